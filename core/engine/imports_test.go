package engine

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The layering rules of README's Architecture section, checked on the
// sources: the faces reach the store and crypto only through the engine,
// the store imports no feature, and the core never imports the GUI.
var importRules = []struct {
	dirs      []string // folders, relative to the module root; "/..." includes subfolders
	forbidden []string // import paths, or prefixes ending in "/"
	why       string
}{
	{
		dirs: []string{"ui", "cmd/certctl", "cmd/certdesk"},
		forbidden: []string{"database/sql", "modernc.org/", "software.sslmate.com/src/go-pkcs12",
			"crypto", "crypto/x509", "crypto/ecdsa", "crypto/rsa", "crypto/ed25519", "crypto/elliptic",
			"encoding/pem", "github.com/youmark/pkcs8", "certdesk/core/vault", "github.com/jackc/"},
		why: "the faces call the engine (core/engine) and display types only",
	},
	{
		dirs: []string{"core/vault"},
		forbidden: []string{"certdesk/core/deploy", "certdesk/core/interop", "certdesk/core/onboard",
			"certdesk/core/mtls", "certdesk/core/verdict", "certdesk/core/engine", "certdesk/core/inspect"},
		why: "the store only stores: features are combined in the engine",
	},
	{
		dirs:      []string{"core/..."},
		forbidden: []string{"fyne.io/", "certdesk/ui", "certdesk/cmd/"},
		why:       "the core never imports the GUI or a face",
	},
	{
		dirs: []string{"core/pki", "core/certinfo", "core/verdict", "core/export", "core/deploy",
			"core/interop", "core/mtls", "core/inspect", "core/input"},
		forbidden: []string{"certdesk/core/vault", "certdesk/core/engine"},
		why:       "feature packages do not depend on the store or the engine",
	},
}

func TestImportRules(t *testing.T) {
	root := moduleRoot(t)
	for _, rule := range importRules {
		for _, dir := range rule.dirs {
			for file, imports := range importsUnder(t, root, dir) {
				for _, imp := range imports {
					if forbiddenImport(imp, rule.forbidden) {
						t.Errorf("%s imports %s: %s", file, imp, rule.why)
					}
				}
			}
		}
	}
}

func forbiddenImport(imp string, forbidden []string) bool {
	for _, f := range forbidden {
		if imp == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(imp, f)) {
			return true
		}
	}
	return false
}

// importsUnder reads the imports of every non-test Go file in dir (and its
// subfolders when dir ends in "/...").
func importsUnder(t *testing.T, root, dir string) map[string][]string {
	t.Helper()
	recursive := strings.HasSuffix(dir, "/...")
	base := filepath.Join(root, strings.TrimSuffix(dir, "/..."))
	out := map[string][]string{}
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != base && !recursive {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out[rel] = append(out[rel], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no Go files under %s: the rule checks nothing", dir)
	}
	return out
}

// moduleRoot is the folder holding go.mod, above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test")
		}
		dir = parent
	}
}

// TestImportRuleCatchesAViolation makes sure the check can fail.
func TestImportRuleCatchesAViolation(t *testing.T) {
	if !forbiddenImport("modernc.org/sqlite", []string{"modernc.org/"}) || !forbiddenImport("crypto/x509", []string{"crypto/x509"}) {
		t.Fatal("a forbidden import passed")
	}
	if forbiddenImport("crypto/x509/pkix", []string{"crypto/x509"}) || forbiddenImport("certdesk/core/verdictx", []string{"certdesk/core/verdict"}) {
		t.Fatal("an allowed import was refused")
	}
}
