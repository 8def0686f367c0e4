// Package console is openswf's web console: a few pages of plain JavaScript modules and CSS, embedded in
// the binary and served at /ui/, that call the server's public APIs (SWF, Step Functions and openswf's own)
// from the browser, signed with SigV4 like any other client, so that the console never does more than its
// user's access keys allow. Beside the assets it serves /ui/config.json (the region, whether access control
// is on, the version) and /ui/api/metrics, the last minutes of the server's own metrics, which a Sampler
// reads from the metrics registry every few seconds while the console is on.
//
// docs/CONSOLE.md describes the pages.
package console
