package pgtest

import (
	"os"
	"testing"
)

func TestServerLifecycle(t *testing.T) {
	s, err := New()
	Require(t, err)
	url := s.NewDatabase(t, "alice")
	if err := s.ExecURL(url, `CREATE TABLE t (a int); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatalf("alice cannot use her database: %v", err)
	}
	if err := s.ExecURL(s.URL("postgres", "nobody"), `SELECT 1`); err == nil {
		t.Error("a role that does not exist connected")
	}
	s.Stop()
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("the server's folder is still there: %v", err)
	}
	if err := s.ExecURL(url, `SELECT 1`); err == nil {
		t.Error("the server still answers after Stop")
	}
}
