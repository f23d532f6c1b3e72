package onboard

import (
	"encoding/csv"
	"strings"
)

// formulaStart holds the characters that make a spreadsheet read a cell as
// a formula (OWASP, "CSV Injection"): = + - @, TAB and CR.
const formulaStart = "=+-@\t\r"

// SafeCell neutralises a cell for a spreadsheet as OWASP advises: a cell
// that starts with = + - @, TAB or CR gets a leading single quote, so
// LibreOffice, Excel and Google Sheets show it as text instead of running
// it. The CSV writer quotes a cell holding quotes, commas or line breaks.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// encodeRows is the CSV text of rows, each cell neutralised.
func encodeRows(rows [][]string) []byte {
	var b strings.Builder
	w := csv.NewWriter(&b)
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, c := range r {
			safe[i] = SafeCell(c)
		}
		w.Write(safe) // a strings.Builder does not fail
	}
	w.Flush()
	return []byte(b.String())
}
