package ui

import (
	"certdesk/core/engine"
	"certdesk/core/scratch"
)

// liveServer is a running test server and what belongs to it.
type liveServer struct {
	server *engine.TestServer
	ca     engine.CA
	also   []engine.CA  // more CAs trusted
	depth  int          // the verify depth, 0 for the default
	files  *scratch.Dir // the private folder of the try-it files
}

// startServer issues (or reuses) the test server's certificate from
// opts.CA, decrypts its key, builds the trust for opts.CA and the CAs of
// opts.AlsoTrust and starts listening on opts.Addr; the server follows
// the vault's changes by itself.
func (j jobs) startServer(opts engine.ServerOptions) (*liveServer, error) {
	files, err := makeTryFolder()
	if err != nil {
		return nil, err
	}
	server, err := j.v.StartTestServer(j.ctx, opts)
	if err != nil {
		removeTryFolder(files)
		return nil, err
	}
	return &liveServer{server: server, ca: opts.CA, also: opts.AlsoTrust, depth: opts.Depth, files: files}, nil
}

// stopServer closes the server (it waits for its connections) and removes
// the try-it files.
func stopServer(l *liveServer) {
	l.server.Close()
	removeTryFolder(l.files)
}

// tryRequest is one connection the try-it panel makes.
type tryRequest struct {
	mode   tryMode
	addr   string
	ca     engine.CA
	as     engine.Record // for tryAsChosen
	asName string
}

// tryOutcome is what one try saw, in words.
type tryOutcome struct {
	label    string // who we connected as
	accepted bool
	summary  string
	err      error
}

// connect tries the running server as the chosen certificate, with none
// or with a look-alike's.
func (j jobs) connect(req tryRequest) tryOutcome {
	out := tryOutcome{label: req.mode.label(req)}
	r := engine.TryRequest{Mode: req.mode.engineMode(), CertID: req.as.ID, CA: req.ca, Addr: req.addr}
	res, err := j.v.Try(j.ctx, r)
	if err != nil {
		out.err = err
		return out
	}
	out.summary = trySummary(res)
	out.accepted = res.LetIn()
	return out
}
