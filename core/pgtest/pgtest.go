// Package pgtest starts a throwaway PostgreSQL server for tests: initdb in a
// temporary folder, listening only on a unix socket there, stopped (and the
// folder removed) at the end. As root (CI) the server runs as the
// unprivileged "postgres" user through runuser, since PostgreSQL refuses to
// run as root. Without the Debian "postgresql" package a test is skipped,
// and fails when CI=true.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a running PostgreSQL server.
type Server struct {
	dir  string // holds data/, the socket and the log
	bin  string
	user *user.User // the OS user the server runs as; nil: ourselves
}

var dbSeq atomic.Int64

// Start starts a server for t and stops it when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := New()
	Require(t, err)
	t.Cleanup(s.Stop)
	return s
}

// Require skips t when the server could not start, or fails it when
// CI=true.
func Require(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("PostgreSQL: %v", err)
	}
	t.Skipf("PostgreSQL: %v", err)
}

// New starts a server; the caller stops it.
func New() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	if os.Geteuid() == 0 {
		if s.user, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root needs the postgres user (apt-get install postgresql): %w", err)
		}
	}
	if s.dir, err = os.MkdirTemp("", "pg"); err != nil {
		return nil, err
	}
	if err := s.own(); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	if err := s.run("initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c max_connections=200", s.dir)
	if err := s.run("pg_ctl", "-D", s.data(), "-o", opts, "-l", filepath.Join(s.dir, "log"), "-w", "-t", "30", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		os.RemoveAll(s.dir)
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	return s, nil
}

func findBin() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) == 0 {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", fmt.Errorf("pg_ctl not found: install the Debian package postgresql (make deps-test)")
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}

// own hands the folder to the server's user.
func (s *Server) own() error {
	if s.user == nil {
		return nil
	}
	uid, _ := strconv.Atoi(s.user.Uid)
	gid, _ := strconv.Atoi(s.user.Gid)
	if err := os.Chown(s.dir, uid, gid); err != nil {
		return fmt.Errorf("giving %s to the postgres user: %w", s.dir, err)
	}
	return os.Chmod(s.dir, 0o755)
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

func (s *Server) run(prog string, args ...string) error {
	path := filepath.Join(s.bin, prog)
	var cmd *exec.Cmd
	if s.user != nil {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", prog, err, out)
	}
	return nil
}

// Stop stops the server at once and removes its folder.
func (s *Server) Stop() {
	s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
	os.RemoveAll(s.dir)
}

// URL is the connection URL of database db as role.
func (s *Server) URL(db, role string) string {
	q := url.Values{"host": {s.dir}, "user": {role}, "sslmode": {"disable"}}
	return "postgres:///" + url.PathEscape(db) + "?" + q.Encode()
}

// NewDatabase creates an empty database owned by owner (created as a
// login role when missing; "" is the superuser) and returns its URL.
func (s *Server) NewDatabase(t testing.TB, owner string) string {
	t.Helper()
	name := fmt.Sprintf("vault%d_%d", os.Getpid(), dbSeq.Add(1))
	if owner == "" {
		owner = "postgres"
	} else {
		s.Exec(t, fmt.Sprintf(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) THEN CREATE ROLE %s LOGIN CREATEROLE; END IF; END $$`,
			quoteLiteral(owner), pgx.Identifier{owner}.Sanitize()))
	}
	s.Exec(t, fmt.Sprintf("CREATE DATABASE %s OWNER %s", name, pgx.Identifier{owner}.Sanitize()))
	return s.URL(name, owner)
}

// Exec runs SQL as the superuser in the postgres database.
func (s *Server) Exec(t testing.TB, sql string) {
	t.Helper()
	if err := s.ExecURL(s.URL("postgres", "postgres"), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// ExecURL runs SQL on the database and as the role that url names.
func (s *Server) ExecURL(url, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql)
	return err
}

func quoteLiteral(s string) string {
	out := "'"
	for _, r := range s {
		if r == '\'' {
			out += "'"
		}
		out += string(r)
	}
	return out + "'"
}
