package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// blockingCalls are the core and standard functions that read or write
// the vault, a key, a file or the network, by the name the ui files
// import their package under; "*" is every function of the package.
var blockingCalls = map[string][]string{
	"os":      {"*"},
	"pkcs12":  {"*"},
	"demo":    {"*"},
	"inspect": {"Inspect"},
	"onboard": {"Run", "ParseCSV"},
	"interop": {"ReadEasyRSA", "ReadPEMBundle", "WriteEasyRSA"},
	"deploy":  {"PrepareFolder", "WriteKit"},
	"mtls":    {"Start", "Try", "PrepareClientFiles", "LookalikeCertificate"},
	"export":  {"WriteFile", "Encode", "PKCS12", "KeyPEM"},
	"engine":  {"Create", "Open", "OpenUnlocked", "DefaultActor", "ReadRequest"},
	"pki":     {"ParseCertificates", "ParsePrivateKey", "ParseCSR", "NewCA", "GenerateKey"},
	"verdict": {"JudgeCertificates", "Judge"},
}

// jobFiles may call core directly: their functions run as jobs.
func jobFile(name string) bool {
	return strings.HasPrefix(name, "jobs") || name == "server_tryfiles.go" ||
		name == "picker.go" // Fyne's own file dialogs, on the UI goroutine by Fyne's design
}

// TestViewsCallCoreOnlyThroughJobs: outside the job files, no ui code calls
// a function that blocks (blockingCalls), a method of the open vault
// (x.engine.M()) or readFile; such a call belongs in a job started
// through the Runner. Goroutines started with go are not calls of the view.
func TestViewsCallCoreOnlyThroughJobs(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || jobFile(name) {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, call := range viewCalls(f) {
			if what := blockingCall(call); what != "" {
				t.Errorf("%s: %s runs on the UI goroutine; make it a job (jobs*.go) started through the Runner", fset.Position(call.Pos()), what)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d files; run the test from ui/", checked)
	}
}

// viewCalls are the calls in f, except those a go statement starts.
func viewCalls(f *ast.File) []*ast.CallExpr {
	var calls []*ast.CallExpr
	ast.Inspect(f, func(n ast.Node) bool {
		if g, ok := n.(*ast.GoStmt); ok {
			for _, arg := range g.Call.Args {
				ast.Inspect(arg, func(n ast.Node) bool {
					if c, ok := n.(*ast.CallExpr); ok {
						calls = append(calls, c)
					}
					return true
				})
			}
			return false
		}
		if c, ok := n.(*ast.CallExpr); ok {
			calls = append(calls, c)
		}
		return true
	})
	return calls
}

// blockingCall names what call does when it blocks, or says "".
func blockingCall(call *ast.CallExpr) string {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		if fn.Name == "readFile" {
			return "readFile"
		}
	case *ast.SelectorExpr:
		switch x := fn.X.(type) {
		case *ast.Ident:
			for _, name := range blockingCalls[x.Name] {
				if name == "*" || name == fn.Sel.Name {
					return x.Name + "." + fn.Sel.Name
				}
			}
		case *ast.SelectorExpr:
			if x.Sel.Name == "engine" {
				return "the vault's " + fn.Sel.Name
			}
		}
	}
	return ""
}

// TestBlockingCallRule: the rule flags what it should, and no more.
func TestBlockingCallRule(t *testing.T) {
	for _, c := range []struct {
		code string
		want string
	}{
		{"m.app.engine.List(ctx, f)", "the vault's List"},
		{"os.ReadFile(p)", "os.ReadFile"},
		{"readFile(p)", "readFile"},
		{"mtls.Try(ctx, addr, opts)", "mtls.Try"},
		{"pkcs12.DecodeChain(data, pw)", "pkcs12.DecodeChain"},
		{"export.FileStem(name)", ""},
		{"j.tablePage(f, 0)", ""},
		{"m.app.run.Run(work)", ""},
	} {
		expr, err := parser.ParseExpr(c.code)
		if err != nil {
			t.Fatal(err)
		}
		if got := blockingCall(expr.(*ast.CallExpr)); got != c.want {
			t.Errorf("%s: flagged %q, want %q", c.code, got, c.want)
		}
	}
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package ui\nfunc f() { go mtls.Try(ctx, a, o); os.Remove(p) }", 0)
	if err != nil {
		t.Fatal(err)
	}
	var flagged []string
	for _, call := range viewCalls(f) {
		if what := blockingCall(call); what != "" {
			flagged = append(flagged, what)
		}
	}
	if strings.Join(flagged, ",") != "os.Remove" {
		t.Errorf("in a file with a go statement and a call: flagged %v, want only os.Remove", flagged)
	}
}
