// Package engine is Certdesk's use-case layer: each workflow the app and
// certctl offer — create, import or trust a CA, issue, sign, renew, bulk,
// export, revoke, CRLs, inspect, verify, the test server, try as someone,
// deploy kits, PKI export and import, backup and restore — is one function
// here, with plain inputs and a result.
//
// The faces (ui/ and cmd/certctl) call only this package and display types
// (certinfo, and the aliases it declares); they never reach the store
// (core/vault), SQL, key packages or PKCS#12 directly. The store only stores;
// feature packages (deploy, interop, onboard, mtls, verdict, demo) are
// combined here.
package engine
