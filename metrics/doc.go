// Package metrics is a small Prometheus instrumentation library and openswf's own set of metrics on it.
//
// The library part — Registry, Counter, Gauge, Histogram, their labelled vectors and the functions
// evaluated at scrape time — writes the Prometheus text exposition format 0.0.4 itself. It is written here
// rather than taken from github.com/prometheus/client_golang because the format is a page long, openswf
// needs a handful of its features, and that module would bring a dozen others with it (STYLE.md: few
// dependencies).
//
// Nothing here is global: a Registry is made by whoever serves it (package node) and passed to what
// records into it. The recording paths are lock-free: a counter or histogram observation is an atomic
// add or two, and a labelled child is found in a copy-on-write map without allocating, because the
// heartbeat and request paths record tens of thousands of times a second.
//
// Set is openswf's metrics on a Registry: it implements engine.Observer and sqlite.Observer and has the
// request callback of awsjson.Options, so that the engine, the store and the HTTP plumbing report their
// measurements without importing this package.
package metrics
