package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/peer"
	"certdesk/core/pki"
)

// benchPKI measures moving a CA of 1,000 people to and from an easy-rsa
// folder (keys under a generated password), beside what easy-rsa itself
// takes to issue people into the same kind of folder.
func benchPKI() ([]row, error) {
	dir, remove, err := tempDir("pki")
	if err != nil {
		return nil, err
	}
	defer remove()
	const n = 1000
	v, ca, err := newVault(filepath.Join(dir, "v.db"), "PKI CA")
	if err != nil {
		return nil, err
	}
	defer func() { warnOnError("closing the vault", v.Close()) }()
	var reqs []pki.PersonRequest
	for i := range n {
		reqs = append(reqs, pki.PersonRequest{Name: pki.Name{CommonName: fmt.Sprintf("Person %04d", i)}})
	}
	if _, err := v.IssuePeople(ctx, ca, reqs, nil); err != nil {
		return nil, err
	}
	e, err := engine.OpenUnlocked(filepath.Join(dir, "v.db"), nil)
	if err != nil {
		return nil, err
	}
	defer func() { warnOnError("closing the engine", e.Close()) }()
	password := export.GeneratePassword()
	var exports, imports []time.Duration
	for round := range 3 {
		folder := filepath.Join(dir, fmt.Sprintf("pki%d", round))
		start := time.Now()
		if _, err := e.ExportPKI(ctx, engine.PKIExport{CA: ca, Dir: folder, Password: password, Generated: true}); err != nil {
			return nil, err
		}
		exports = append(exports, time.Since(start))
		start = time.Now()
		w, err := engine.Create(filepath.Join(dir, fmt.Sprintf("back%d.db", round)), nil, engine.CreateOptions{Insecure: true})
		if err != nil {
			return nil, err
		}
		_, _, err = w.ImportPKI(ctx, engine.PKIImport{Source: folder, Password: []byte(password), Name: "Back"})
		if err = errors.Join(err, w.Close()); err != nil {
			return nil, err
		}
		imports = append(imports, time.Since(start))
	}
	ex, im := median(exports), median(imports)

	// easy-rsa issuing into the folder Certdesk wrote: a few people, timed
	// each, scaled to 1,000.
	perPerson, err := easyRSAPerPerson(filepath.Join(dir, "pki0"), password, 10)
	if err != nil {
		return nil, err
	}
	theirs := perPerson * n
	ratio := float64(theirs) / float64(ex)
	return []row{
		{what: "CA of 1,000 people → easy-rsa folder (keys encrypted)", ours: fmt.Sprintf("%.2f s", ex.Seconds()),
			theirs: fmt.Sprintf("easy-rsa build-client-full %.2f s/person → %.0f s", perPerson.Seconds(), theirs.Seconds()),
			ratio:  fmt.Sprintf("%.0f× faster", ratio), target: "< 5 s", verdict: met(ex < 5*time.Second)},
		{what: "easy-rsa folder of 1,000 people → new vault", ours: fmt.Sprintf("%.2f s", im.Seconds()),
			theirs: "—", ratio: "—", target: "< 5 s", verdict: met(im < 5*time.Second)},
	}, nil
}

// easyRSAPerPerson is the median time easy-rsa takes for one
// build-client-full in folder.
func easyRSAPerPerson(folder, password string, people int) (time.Duration, error) {
	easyrsa, err := peer.Find("easyrsa")
	if err != nil {
		return 0, err
	}
	var runs []time.Duration
	for i := range people {
		cmd := exec.Command(easyrsa, "build-client-full", fmt.Sprintf("bench-%d", i), "nopass")
		cmd.Env = append(os.Environ(), "EASYRSA_PKI="+folder, "EASYRSA_BATCH=1", "EASYRSA_PASSIN=pass:"+password)
		cmd.Dir = filepath.Dir(folder)
		start := time.Now()
		if out, err := peer.Run(cmd, peer.RunTimeout); err != nil {
			return 0, fmt.Errorf("easyrsa: %w: %s", err, out)
		}
		runs = append(runs, time.Since(start))
	}
	return median(runs), nil
}
