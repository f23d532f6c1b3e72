package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"certdesk/core/engine"
	"certdesk/core/pki"
)

// hierarchyPeople is how many people each side of the hierarchy row issues.
const hierarchyPeople = 1000

// benchHierarchy issues 1,000 people from an issuing CA and 1,000 from a
// root, through the engine's issue workflow (profile lookup, name
// constraint check over the chain, signing, storing), in alternating
// rounds on one vault, and compares the medians: an issuing CA should cost
// no more than a root, within 10 %.
func benchHierarchy() ([]row, error) {
	dir, err := os.MkdirTemp("", "certbench-hierarchy")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	e, err := engine.Create(filepath.Join(dir, "vault.db"), nil, engine.CreateOptions{Insecure: true})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	root, err := e.CreateCA(ctx, "Bench Root", pki.CARequest{PathLen: 1})
	if err != nil {
		return nil, err
	}
	var constraints pki.Constraints
	constraints.Add(true, "email:example.com")
	issuing, err := e.CreateIntermediate(ctx, "Bench Issuing", root, pki.CARequest{Constraints: constraints})
	if err != nil {
		return nil, err
	}
	run := func(ca engine.CA, round int) (time.Duration, error) {
		start := time.Now()
		for i := range hierarchyPeople {
			name := fmt.Sprintf("%s %d-%04d", ca.Name, round, i)
			if _, err := e.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: name}, Emails: []string{fmt.Sprintf("p%d-%04d@example.com", round, i)}}); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	var fromRoot, fromIssuing []time.Duration
	for round := range 5 {
		first, second := root, issuing
		if round%2 == 1 {
			first, second = issuing, root
		}
		for _, ca := range []engine.CA{first, second} {
			d, err := run(ca, round)
			if err != nil {
				return nil, err
			}
			if ca.ID == root.ID {
				fromRoot = append(fromRoot, d)
			} else {
				fromIssuing = append(fromIssuing, d)
			}
		}
	}
	r, i := median(fromRoot), median(fromIssuing)
	ratio := float64(i) / float64(r)
	return []row{{
		what:    fmt.Sprintf("issue %d people from an issuing CA (name-constrained, under a root) vs from a root, keys in the vault", hierarchyPeople),
		ours:    fmt.Sprintf("%.2f s", i.Seconds()),
		theirs:  fmt.Sprintf("from the root %.2f s", r.Seconds()),
		ratio:   fmt.Sprintf("%.2f×", ratio),
		target:  "≤ 1.10× the root",
		verdict: met(ratio <= 1.10),
	}}, nil
}
