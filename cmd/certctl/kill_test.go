package main

import (
	"crypto/tls"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"certdesk/core/engine"
	"certdesk/core/peer/peertest"
	"certdesk/core/pgtest"
	"certdesk/core/vault"
)

// TestFirstSignalEndsCommands runs real certctl processes blocked on a
// FIFO nobody writes to and sends one SIGTERM or SIGINT: each ends
// promptly with exit 1 and says why.
func TestFirstSignalEndsCommands(t *testing.T) {
	t.Parallel()
	bin := certctlBinary(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		sig    syscall.Signal
		within time.Duration
		want   string
	}{
		{"inspect a FIFO, SIGTERM", []string{"inspect", fifo}, syscall.SIGTERM, time.Second, "interrupted by a signal"},
		{"bulk CSV from a FIFO, SIGINT", []string{"bulk", "--csv", fifo, "--out", filepath.Join(dir, "out")}, syscall.SIGINT, time.Second, "interrupted by a signal"},
		{"passphrase file a FIFO, SIGTERM", []string{"--vault", filepath.Join(dir, "v.db"), "--passphrase-file", fifo, "init"}, syscall.SIGTERM, time.Second, "interrupted by a signal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, tt.args...)
			cmd.Env = append(os.Environ(), "CERTDESK_PASSPHRASE=", "CERTDESK_VAULT="+filepath.Join(dir, "none.db"))
			stderr, done := started(t, cmd)
			select {
			case err := <-done:
				t.Fatalf("ended before the signal: %v\n%s", err, stderr.String())
			case <-time.After(400 * time.Millisecond):
			}
			start := time.Now()
			cmd.Process.Signal(tt.sig)
			select {
			case <-done:
			case <-time.After(tt.within + 5*time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running %v after %v\n%s", tt.within+5*time.Second, tt.sig, stderr.String())
			}
			took := time.Since(start)
			t.Logf("ended %v after %v: exit %d, %q", took.Round(time.Millisecond), tt.sig, cmd.ProcessState.ExitCode(), strings.TrimSpace(stderr.String()))
			if took > tt.within {
				t.Errorf("took %v after %v, want at most %v", took, tt.sig, tt.within)
			}
			if code := cmd.ProcessState.ExitCode(); code != exitError || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d (want 1), stderr %q (want %q)", code, stderr.String(), tt.want)
			}
		})
	}
}

// TestStillBusyAfterSignal: `certctl try` against a server that finishes
// the TLS handshake and then never answers waits on a read that the signal
// cannot cancel; certctl ends it stopGrace after SIGTERM.
func TestStillBusyAfterSignal(t *testing.T) {
	t.Parallel()
	s := newInsecureSessionWithCA(t, "Acme")
	s.ok("issue", "--server", "--dns", "localhost")
	s.ok("export", "localhost", "--format", "chain", "--out", s.path("server.pem"))
	s.ok("export", "localhost", "--format", "key", "--out", s.path("server.key"))
	cert, err := tls.LoadX509KeyPair(s.path("server.pem"), s.path("server.key"))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	handshakes := make(chan struct{}, 1)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if conn.(*tls.Conn).Handshake() == nil {
					handshakes <- struct{}{}
				}
				io.Copy(io.Discard, conn) // never answers
			}()
		}
	}()
	cmd := s.command("try", "--none", "--addr", ln.Addr().String())
	stderr, done := started(t, cmd)
	select {
	case <-handshakes:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("certctl try never finished a handshake: %s", stderr.String())
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(stopGrace + 5*time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running %v after SIGTERM", stopGrace+5*time.Second)
	}
	took := time.Since(start)
	t.Logf("ended %v after SIGTERM: exit %d, %q", took.Round(time.Millisecond), cmd.ProcessState.ExitCode(), strings.TrimSpace(stderr.String()))
	if took > stopGrace+time.Second || cmd.ProcessState.ExitCode() != exitError || !strings.Contains(stderr.String(), "still busy") {
		t.Errorf("took %v, exit %d, stderr %q; want at most %v, exit 1, \"still busy\"", took, cmd.ProcessState.ExitCode(), stderr.String(), stopGrace+time.Second)
	}
}

// TestCrashSafety kills `certctl bulk` with SIGKILL at random moments; after
// every kill the vault opens, passes SQLite's integrity check, every
// certificate has its key, serials are unique, the audit trail matches, and
// the CRL number never goes backwards. CERTDESK_KILLS sets the count
// (default 10; make stress runs 50).
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	kills := 10
	if n := os.Getenv("CERTDESK_KILLS"); n != "" {
		fmt.Sscan(n, &kills)
	}
	s := newInsecureSessionWithCA(t, "Crash CA")
	csvFile := s.write("people.csv", peopleCSV(1000))
	lastCRL := int64(0)
	completed := 0
	for k := range kills {
		cmd := s.command("bulk", "--csv", csvFile, "--out", s.path(fmt.Sprintf("out%d", k)))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+rand.IntN(2400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil {
			completed++
		}
		checkVault(t, s.vars["CERTDESK_VAULT"], &lastCRL)
		s.ok("crl", "--out", s.path(fmt.Sprintf("crl%d.pem", k)))
		checkVault(t, s.vars["CERTDESK_VAULT"], &lastCRL)
	}
	t.Logf("%d kills survived (%d runs finished before their kill)", kills, completed)
}

func checkVault(t *testing.T, path string, lastCRL *int64) {
	t.Helper()
	v, err := engine.OpenUnlocked(path, nil)
	if err != nil {
		t.Fatalf("the vault does not open after a kill: %v", err)
	}
	defer v.Close()
	if err := v.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	recs, err := v.List(t.Context(), engine.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	serials := map[string]bool{}
	for _, r := range recs {
		if serials[r.Serial] {
			t.Fatalf("serial %s twice", r.Serial)
		}
		serials[r.Serial] = true
		if _, err := v.TLSCertificate(t.Context(), r.ID); err != nil {
			t.Fatalf("certificate %d lost its key: %v", r.ID, err)
		}
	}
	audit, _ := v.Audit(t.Context(), 0, 1_000_000)
	issued := 0
	for _, a := range audit {
		if a.Action == "cert.issue" {
			issued++
		}
	}
	if people := len(recs) - 1; issued != people {
		t.Fatalf("audit has %d issuances for %d people", issued, people)
	}
	ca, _ := v.CAByName(t.Context(), "Crash CA")
	if ca.CRLNumber < *lastCRL {
		t.Fatalf("CRL number went back from %d to %d", *lastCRL, ca.CRLNumber)
	}
	*lastCRL = ca.CRLNumber
}

// TestBulkInterrupt sends Ctrl-C (SIGINT) to a running `certctl bulk`: it
// stops, says nothing was stored, and the vault and folder show it.
func TestBulkInterrupt(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Team CA")
	cmd := s.command("bulk", "--csv", s.write("big.csv", peopleCSV(400)), "--out", s.path("out"), "--key", "rsa-3072")
	stderr, done := started(t, cmd)
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("certctl bulk did not stop within 30 s of Ctrl-C")
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "cancelled; nothing was stored") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	if n := len(decodeJSON[[]map[string]any](t, s.ok("list", "--json"))); n != 1 {
		t.Errorf("%d certificates after the cancel, want only the CA", n)
	}
	if _, err := os.Stat(s.path("out/passwords.csv")); !os.IsNotExist(err) {
		t.Errorf("a password sheet was left: %v", err)
	}
}

// TestBulkKilledThenRerun kills `certctl bulk` with SIGKILL at random
// moments, re-running the same command into the same folder each time,
// then lets it finish: every person ends with exactly one certificate and
// one line on the sheet, whose PKCS#12 opens with its password (openssl
// checks a sample) — nothing issued is left undelivered.
func TestBulkKilledThenRerun(t *testing.T) {
	t.Parallel()
	bulkKilledThenRerun(t, newInsecureSessionWithCA(t, "Rerun CA"), 150, 1200)
}

// TestBulkKilledThenRerunOnATeamVault: the same kills on a team vault in a
// real PostgreSQL leave no half state either.
func TestBulkKilledThenRerunOnATeamVault(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.vars["CERTDESK_VAULT"] = pgtest.Start(t).NewDatabase(t, "")
	s.ok("init")
	s.ok("ca", "create", "Rerun CA")
	bulkKilledThenRerun(t, s, 700, 1200) // unlocking and connecting take longer: kill during signing and delivery
	s.ok("check")                        // exit 0: every record and the audit chain intact
}

// bulkKilledThenRerun kills `certctl bulk` four times at random moments
// (minMs plus up to spanMs after its start), then runs it to the end:
// everyone is delivered exactly once.
func bulkKilledThenRerun(t *testing.T, s *session, minMs, spanMs int) {
	openssl := peertest.Require(t, "openssl")
	const people = 1000
	csvFile := s.write("people.csv", peopleCSV(people))
	out := s.path("out")
	for k := range 4 {
		cmd := s.command("bulk", "--csv", csvFile, "--out", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(minMs+rand.IntN(spanMs)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		sheet, _ := os.ReadFile(filepath.Join(out, "passwords.csv"))
		t.Logf("kill %d: %v; %d lines on the sheet", k+1, cmd.ProcessState, strings.Count(string(sheet), "\n"))
	}
	// The last run finishes; rows delivered before are refused, the rest
	// delivered.
	s.run("bulk", "--csv", csvFile, "--out", out)
	f, err := os.Open(filepath.Join(out, "passwords.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatalf("the sheet is not valid CSV after the kills: %v", err)
	}
	names := map[string]int{}
	for _, r := range rows[1:] {
		names[r[0]]++
		data, err := os.ReadFile(filepath.Join(out, r[2]))
		if err != nil {
			t.Fatalf("%s: %v", r[2], err)
		}
		if _, _, _, err := pkcs12.DecodeChain(data, r[3]); err != nil {
			t.Errorf("%s does not open with its sheet password: %v", r[2], err)
		}
	}
	for i := range people {
		if n := names[fmt.Sprintf("Person %d", i)]; n != 1 {
			t.Errorf("Person %d is on the sheet %d times", i, n)
		}
	}
	for _, r := range rows[1:min(len(rows), 11)] {
		peertest.Run(t, openssl, "pkcs12", "-in", filepath.Join(out, r[2]), "-passin", "pass:"+r[3], "-noout")
	}
	if n := len(decodeJSON[[]map[string]any](t, s.ok("list", "--json"))); n != people+1 {
		t.Errorf("%d certificates, want the CA and one per person (%d)", n, people)
	}
}

// TestPasswdKilledMidway kills a real `certctl passwd` with SIGKILL at
// moments spread over its run, most near its end where the transaction
// is: afterwards exactly one of the two passphrases opens the vault, and
// the vault checks clean.
func TestPasswdKilledMidway(t *testing.T) {
	t.Parallel()
	bin := certctlBinary(t)
	s := newSessionWithCA(t, "Acme", "Alice")
	golden, err := os.ReadFile(s.vars["CERTDESK_VAULT"])
	if err != nil {
		t.Fatal(err)
	}
	const oldPass, newPass = "correct horse battery", "sunny giraffe lamp 71"
	dir := t.TempDir()
	passwd := func(path string) *exec.Cmd {
		cmd := exec.Command(bin, "passwd")
		cmd.Env = append(os.Environ(), "CERTDESK_VAULT="+path, "CERTDESK_PASSPHRASE="+oldPass, "CERTDESK_NEW_PASSPHRASE="+newPass)
		return cmd
	}
	// How long a whole run takes here.
	full := filepath.Join(dir, "full.db")
	os.WriteFile(full, golden, 0o600)
	start := time.Now()
	if out, err := passwd(full).CombinedOutput(); err != nil {
		t.Fatalf("passwd: %v\n%s", err, out)
	}
	total := time.Since(start)
	var fractions []float64
	for f := 0.1; f < 0.85; f += 0.15 {
		fractions = append(fractions, f)
	}
	for f := 0.86; f < 1.1; f += 0.03 {
		fractions = append(fractions, f)
	}
	outcomes := map[string]int{}
	for i, f := range fractions {
		path := filepath.Join(dir, "v"+string(rune('a'+i))+".db")
		os.WriteFile(path, golden, 0o600)
		cmd := passwd(path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(float64(total) * f))
		cmd.Process.Kill()
		cmd.Wait()
		_, journalErr := os.Stat(path + "-journal")
		if journalErr == nil {
			outcomes["killed inside the transaction"]++
		}
		oldOK := opens(t, path, oldPass)
		newOK := opens(t, path, newPass)
		switch {
		case oldOK && !newOK:
			outcomes["old passphrase"]++
		case newOK && !oldOK:
			outcomes["new passphrase"]++
		default:
			t.Fatalf("killed at %.0f%% of %v: old opens %v, new opens %v", f*100, total, oldOK, newOK)
		}
	}
	t.Logf("one run takes %v; after %d kills: %v", total, len(fractions), outcomes)
	if outcomes["old passphrase"] == 0 {
		t.Error("no kill landed before the commit: the test did not test anything")
	}
}

// opens reports whether pass unlocks the vault at path, which must then check clean.
func opens(t *testing.T, path, pass string) bool {
	t.Helper()
	v, err := vault.OpenUnlocked(path, []byte(pass))
	if errors.Is(err, vault.ErrWrongPassphrase) {
		return false
	}
	if err != nil {
		t.Fatalf("after a kill: %v", err)
	}
	defer v.Close()
	if err := v.Check(t.Context()); err != nil {
		t.Fatalf("after a kill the vault does not check clean: %v", err)
	}
	return true
}

// TestMigrateKilled kills certctl migrate (-9) at several moments of a
// copy into PostgreSQL: afterwards the database holds no vault, or the
// whole one, never part of it.
func TestMigrateKilled(t *testing.T) {
	pg := pgtest.Start(t)
	s := newVaultSession(t)
	s.ok("ca", "create", "Acme CA")
	csv := "name,email\n"
	for i := range 400 {
		csv += fmt.Sprintf("Person %03d,p%03d@example.com\n", i, i)
	}
	s.ok("bulk", "--csv", s.write("people.csv", csv), "--out", s.path("out"))
	outcomes := map[string]int{}
	for _, delay := range []time.Duration{300 * time.Millisecond, 600 * time.Millisecond, 900 * time.Millisecond, 1500 * time.Millisecond} {
		url := pg.NewDatabase(t, "")
		cmd := s.command("migrate", "--to", url)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()
		team := newSession(t)
		team.vars["CERTDESK_VAULT"] = url
		out, errOut, code := team.run("list", "--json")
		switch {
		case code != 0 && strings.Contains(errOut, "holds no Certdesk vault"):
			outcomes["none"]++
		case code == 0 && len(decodeJSON[[]map[string]any](t, out)) == 401:
			team.ok("check")
			outcomes["whole"]++
		default:
			t.Errorf("killed after %v: exit %d, %d bytes listed, %s", delay, code, len(out), errOut)
		}
	}
	t.Logf("after kill -9: %v", outcomes)
}
