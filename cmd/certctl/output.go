package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"certdesk/core/engine"
)

// printJSON writes one value as indented JSON.
func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printOr writes value as JSON under --json, and otherwise calls text.
func (c *cli) printOr(value any, text func()) error {
	if c.jsonOut {
		return c.printJSON(value)
	}
	text()
	return nil
}

// reportf writes value as JSON under --json, and otherwise the sentence
// format and a make.
func (c *cli) reportf(value any, format string, a ...any) error {
	return c.printOr(value, func() { fmt.Fprintf(c.stdout, format, a...) })
}

// sayf writes a sentence for people; under --json it says nothing.
func (c *cli) sayf(format string, a ...any) {
	if !c.jsonOut {
		fmt.Fprintf(c.stdout, format, a...)
	}
}

// warn writes each warning on stderr.
func (c *cli) warn(warnings []string) {
	for _, w := range warnings {
		fmt.Fprintln(c.stderr, "warning:", w)
	}
}

// printRecord shows a certificate after a change: in full as JSON under
// --json, otherwise the sentence text writes.
func (c *cli) printRecord(v *engine.Engine, rec engine.Record, text func()) error {
	if !c.jsonOut {
		text()
		return nil
	}
	info, err := c.fullInfo(v, rec)
	if err != nil {
		return err
	}
	return c.printJSON(info)
}

// listing is how a command shows a list: under --json as one JSON list,
// otherwise a line per item, or a sentence when there is none.
type listing[T any] struct {
	json   func(T) any    // an item as JSON; nil: the list is written as it is
	empty  string         // said instead of the lines when there is no item
	header string         // column names, tab-separated: the lines form a table
	line   func(T) string // an item's line (tab-separated cells in a table)
}

// showList writes what query returns as l says.
func showList[T any](c *cli, query func(context.Context) ([]T, error), l listing[T]) error {
	items, err := query(c.ctx)
	if err != nil {
		return err
	}
	if c.jsonOut {
		return c.printJSON(l.jsonOf(items))
	}
	if len(items) == 0 && l.empty != "" {
		fmt.Fprintln(c.stdout, l.empty)
		return nil
	}
	if l.header == "" {
		for _, it := range items {
			fmt.Fprintln(c.stdout, l.line(it))
		}
		return nil
	}
	w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, l.header)
	for _, it := range items {
		fmt.Fprintln(w, l.line(it))
	}
	return w.Flush()
}

// jsonOf is the JSON list of items.
func (l listing[T]) jsonOf(items []T) any {
	if l.json == nil {
		return items
	}
	out := make([]any, 0, len(items))
	for _, it := range items {
		out = append(out, l.json(it))
	}
	return out
}
