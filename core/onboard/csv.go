// Package onboard issues certificates to many people at once: it reads a
// CSV of people, issues one certificate each, writes a PKCS#12 per person
// with its own password, and a password sheet to hand out separately. Both
// certctl bulk and the desktop app use it.
package onboard

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"certdesk/core/pki"
)

// MaxRows bounds one CSV file.
const MaxRows = 100_000

// MaxCSVBytes bounds the file read.
const MaxCSVBytes = 64 << 20

// Row is one person from the CSV, or why the row cannot be issued.
type Row struct {
	Line int
	Req  pki.PersonRequest
	Err  error // set: the row is reported and skipped
}

// Name is the row's person, for reports.
func (r Row) Name() string { return r.Req.Name.CommonName }

// ParseCSV reads rows of name,email[,org,ou,days]; a first row starting
// with "name" is a header. A row with the wrong number of fields, a bad day
// count or the same person as an earlier row is returned with its Err set,
// so the rest can still be issued. The error is for a file that is not CSV
// at all (a *LineError naming the first line that is not), or holds no
// people.
func ParseCSV(r io.Reader, kt pki.KeyType) ([]Row, error) {
	lr := &io.LimitedReader{R: r, N: MaxCSVBytes + 1}
	cr := csv.NewReader(lr)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows []Row
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, lineError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rows) == 0 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "name") {
			continue
		}
		if len(rows) >= MaxRows {
			return nil, fmt.Errorf("more than %d people in one file: split it", MaxRows)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		field := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := Row{Line: line, Req: pki.PersonRequest{
			Name:    pki.Name{CommonName: field(0), Organization: field(2), OrganizationalUnit: field(3)},
			KeyType: kt,
		}}
		if e := field(1); e != "" {
			row.Req.Emails = []string{e}
		}
		switch {
		case len(rec) < 2 || len(rec) > 5:
			row.Err = fmt.Errorf("expected name,email[,org,ou,days], got %d field(s)", len(rec))
		case field(0) == "":
			row.Err = errors.New("the name is empty")
		}
		if d := field(4); d != "" && row.Err == nil {
			days, err := strconv.Atoi(d)
			if err != nil {
				row.Err = fmt.Errorf("days %q is not a number", d)
			}
			row.Req.Validity.Days = days
		}
		key := strings.ToLower(field(0) + "\x00" + field(1))
		if prev, dup := seen[key]; dup && row.Err == nil {
			row.Err = fmt.Errorf("the same person as line %d", prev)
		} else if !dup {
			seen[key] = line
		}
		rows = append(rows, row)
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("the file is larger than %d MiB: split it", MaxCSVBytes>>20)
	}
	if len(rows) == 0 {
		return nil, errors.New("the file holds no people: give one line per person, name,email[,org,ou,days]")
	}
	return rows, nil
}

// LineError is a line of the CSV file that is not valid CSV.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("not a CSV file: line %d: %v; put a field holding quotes or commas in double quotes, and double each quote inside it (\"a \"\"b\"\"\"); nothing was issued", e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// lineError names the line of a csv.Reader error. The reader's FieldPos
// cannot be asked after an error (it panics), so the line comes from the
// error itself.
func lineError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line := pe.StartLine
		if pe.Err == csv.ErrBareQuote || line == 0 {
			line = pe.Line
		}
		return &LineError{Line: line, Err: pe.Err}
	}
	return fmt.Errorf("reading the CSV file: %w", err)
}
