package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/scratch"
)

// jobs is every call the UI makes into core, one small method per
// background job, so that moving to another engine is a change of these
// files only. A jobs value is taken on the UI goroutine (App.jobs) and its
// methods run inside Runner.Run's work: they take and return plain values
// and never touch a widget.
type jobs struct {
	ctx context.Context
	v   *engine.Engine
}

// jobs captures what background work needs; UI goroutine only.
func (u *App) jobs() jobs { return jobs{ctx: u.ctx, v: u.engine} }

// now is the vault's clock (it only reads a func; safe anywhere).
func (j jobs) now() time.Time {
	if j.v == nil {
		return time.Now()
	}
	return j.v.Now()
}

// fileExists says whether p is a file.
func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// openedVault is a vault file opened, unlocked when it needs no passphrase.
type openedVault struct {
	v        *engine.Engine
	unlocked bool
}

// openVault opens a vault and unlocks it at once when it is insecure.
func openVault(path string) (openedVault, error) {
	v, err := engine.Open(path)
	if err != nil {
		return openedVault{}, err
	}
	if !v.Insecure() {
		return openedVault{v: v}, nil
	}
	if err := v.Unlock(nil); err != nil {
		v.Close()
		return openedVault{}, err
	}
	return openedVault{v: v, unlocked: true}, nil
}

// createVault makes a new vault file.
func createVault(path string, passphrase []byte, insecure bool) (*engine.Engine, error) {
	return engine.Create(path, passphrase, engine.CreateOptions{Insecure: insecure})
}

// unlockVault unlocks a vault with its passphrase (the key derivation
// takes a moment, on purpose).
func unlockVault(v *engine.Engine, passphrase []byte) error { return v.Unlock(passphrase) }

// closeVault closes a vault that is no longer shown.
func closeVault(v *engine.Engine) {
	if v != nil {
		v.Close()
	}
}

// buildDemo makes a throwaway demo vault (in a temporary folder when path
// is empty or taken) and fills it.
func buildDemo(ctx context.Context, path string) (*engine.Engine, engine.Demo, error) {
	if path == "" || fileExists(path) {
		// Kept while the app runs; a later start removes it (core/scratch).
		dir, err := scratch.New("demo")
		if err != nil {
			return nil, engine.Demo{}, err
		}
		keepScratch(dir)
		path = filepath.Join(dir.Path, "demo.db")
	}
	v, err := engine.Create(path, nil, engine.CreateOptions{Insecure: true})
	if err != nil {
		return nil, engine.Demo{}, err
	}
	d, err := v.PopulateDemo(ctx)
	if err != nil {
		v.Close()
		return nil, d, err
	}
	return v, d, nil
}

// cas reads the vault's CAs.
func (j jobs) cas() ([]engine.CA, error) { return j.v.CAs(j.ctx) }

// revokedSinceCRL counts the CA's certificates revoked after its last
// CRL was signed: a published CRL that does not list them is out of date.
func (j jobs) revokedSinceCRL(ca engine.CA) (int, error) {
	revoked, err := j.v.List(j.ctx, engine.Filter{CAID: ca.ID, Status: certinfo.Revoked})
	n := 0
	for _, r := range revoked {
		if r.RevokedAt.After(ca.CRLThisUpdate) {
			n++
		}
	}
	return n, err
}

// tablePage reads page p (pageSize rows) of a filter.
func (j jobs) tablePage(f engine.Filter, p int) ([]engine.Record, error) {
	f.Limit, f.Offset = pageSize, p*pageSize
	return j.v.List(j.ctx, f)
}

// tableStart counts a filter's rows and reads its first page.
func (j jobs) tableStart(f engine.Filter) (int, []engine.Record, error) {
	n, err := j.v.Count(j.ctx, f)
	if err != nil {
		return 0, nil, fmt.Errorf("counting: %w", err)
	}
	page, err := j.tablePage(f, 0)
	return n, page, err
}

// rowOf finds where record id sits in a filter, looking at the first
// limit rows; -1 when it is not there.
func (j jobs) rowOf(f engine.Filter, id int64, limit int) (int, error) {
	f.Limit, f.Offset = limit, 0
	recs, err := j.v.List(j.ctx, f)
	for i, r := range recs {
		if r.ID == id {
			return i, err
		}
	}
	return -1, err
}

// expiringCount counts what expires soon, unless the vault, the filter and
// the day are those of the last count (key); counted says it counted.
func (j jobs) expiringCount(f engine.Filter, days int, lastKey string) (n int, key string, counted bool, err error) {
	stamp, err := j.v.TrustSource().Stamp(j.ctx)
	if err != nil {
		return 0, "", false, err
	}
	key = fmt.Sprint(stamp, "/", f.CAID, "/", days, "/", j.now().Format(time.DateOnly))
	if key == lastKey {
		return 0, key, false, nil
	}
	n, err = j.v.Count(j.ctx, f)
	return n, key, err == nil, err
}

// list reads the records of a filter.
func (j jobs) list(f engine.Filter) ([]engine.Record, error) { return j.v.List(j.ctx, f) }

// record reads one record.
func (j jobs) record(id int64) (engine.Record, error) { return j.v.Get(j.ctx, id) }

// tryChoices are the certificates one can connect as (those whose key the
// vault holds), the first few hundred.
func (j jobs) tryChoices() ([]engine.Record, error) {
	recs, err := j.v.List(j.ctx, engine.Filter{Sort: engine.SortCommonName, Limit: 300})
	var out []engine.Record
	for _, r := range recs {
		if r.HasKey && r.Kind != engine.KindCA && r.CommonName != engine.TestServerName {
			out = append(out, r)
		}
	}
	return out, err
}

// serverCertificates are the CA's server certificates a kit can carry:
// with their key, not revoked, not expired.
func (j jobs) serverCertificates(ca engine.CA) ([]engine.Record, error) {
	recs, err := j.v.List(j.ctx, engine.Filter{CAID: ca.ID, Kind: engine.KindServer, Sort: engine.SortNotAfter, Descending: true, Limit: 50})
	now := j.now()
	var out []engine.Record
	for _, r := range recs {
		if r.HasKey && !r.Revoked() && now.Before(r.NotAfter) {
			out = append(out, r)
		}
	}
	return out, err
}

// kept holds the demo folders for as long as the app runs: a Dir that is
// collected closes its marker and so unlocks it.
var kept struct {
	sync.Mutex
	dirs []*scratch.Dir
}

func keepScratch(d *scratch.Dir) {
	kept.Lock()
	kept.dirs = append(kept.dirs, d)
	kept.Unlock()
}
