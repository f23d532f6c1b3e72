package engine

import (
	"errors"
	"testing"

	"certdesk/core/mtls"
)

// TestTryInEveryMode runs the test server in each mode and tries it as a
// valid person, with no certificate and with a look-alike's: the outcome
// is the one answer both faces show.
func TestTryInEveryMode(t *testing.T) {
	e, ca, alice := engineWith(t, "Try CA", "Alice")
	tries := []struct {
		name string
		req  TryRequest
	}{
		{"valid", TryRequest{Mode: TryAs, CertID: alice.ID}},
		{"none", TryRequest{Mode: TryWithout}},
		{"look-alike", TryRequest{Mode: TryLookalike, CA: ca}},
	}
	want := map[mtls.Mode]map[string]Access{
		mtls.Explain:  {"valid": LetIn, "none": Refused, "look-alike": Refused},
		mtls.Strict:   {"valid": LetIn, "none": Refused, "look-alike": Refused},
		mtls.Optional: {"valid": LetIn, "none": LetInAnonymously, "look-alike": Refused},
	}
	for _, mode := range mtls.Modes {
		server, err := e.StartTestServer(ctx, ServerOptions{CA: ca, Addr: "127.0.0.1:0", Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		for _, try := range tries {
			req := try.req
			req.Addr = server.Addr().String()
			out, err := e.Try(ctx, req)
			if err != nil {
				t.Fatalf("%s, %s: %v", mode, try.name, err)
			}
			if out.Access != want[mode][try.name] {
				t.Errorf("%s mode, %s: %s; want access %d", mode, try.name, out.Summary(), want[mode][try.name])
			}
			if out.LetIn() != (want[mode][try.name] != Refused) {
				t.Errorf("%s mode, %s: LetIn %v disagrees with the access", mode, try.name, out.LetIn())
			}
		}
		server.Close()
	}
	if _, err := e.Try(ctx, TryRequest{Mode: TryWithout, Addr: "127.0.0.1:1"}); err == nil {
		t.Error("a try with no server answered")
	} else if unreachable := (*UnreachableError)(nil); !errors.As(err, &unreachable) {
		t.Errorf("no server: %T %v, want an UnreachableError", err, err)
	}
}
