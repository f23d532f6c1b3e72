package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"certdesk/core/engine"
	"certdesk/core/input"
	"certdesk/core/onboard"
	"certdesk/core/pki"
)

// readFile reads a file the user chose, refusing folders, empty and huge
// files.
func readFile(path string) ([]byte, error) { return input.ReadFile(strings.TrimSpace(path)) }

// readCSR reads a CSR file and checks its signature.
func readCSR(path string) (engine.Request, error) { return engine.ReadRequest(path) }

// readPeopleCSV reads a CSV of people to onboard.
func readPeopleCSV(path string) ([]onboard.Row, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return onboard.ParseCSV(bytes.NewReader(data), pki.DefaultKeyType)
}

// onboard issues the rows and writes their files.
func (j jobs) onboard(ctx context.Context, ca engine.CA, rows []onboard.Row, opts onboard.Options) (onboard.Report, error) {
	return j.v.Onboard(ctx, ca, rows, opts)
}

// inspectFile reads and explains a file (data, when not nil, is the file
// already read).
func (j jobs) inspectFile(path string, data, password []byte) (engine.Inspection, error) {
	return j.v.InspectFile(j.ctx, path, data, password)
}

// writeKit writes a deployment kit into dir (the folder is checked before
// anything is issued).
func (j jobs) writeKit(req engine.DeployRequest) (engine.Deployed, error) {
	return j.v.Deploy(j.ctx, req)
}

// exportEasyRSA writes a CA's whole PKI as an easy-rsa folder.
func (j jobs) exportEasyRSA(req engine.PKIExport) (engine.PKIExported, error) {
	return j.v.ExportPKI(j.ctx, req)
}

// pkiImport is how an import of one or more CAs with their certificates went.
type pkiImport struct {
	imported []string // one line per CA
	lastID   int64
	warnings []string
}

// importPKI reads a PKI (an easy-rsa / openssl ca folder, or an XCA PEM
// export) and stores each CA under a free name.
func (j jobs) importPKI(path string, password []byte) (pkiImport, error) {
	done, warnings, err := j.v.ImportPKI(j.ctx, engine.PKIImport{Source: path, Password: password, FreeNames: true})
	out := pkiImport{warnings: warnings}
	for _, d := range done {
		out.lastID = d.ID
		out.imported = append(out.imported, fmt.Sprintf("%q with %d certificate(s)", d.CA, d.Certificates))
	}
	return out, err
}
