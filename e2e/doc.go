// Package e2e tests openswf end to end: the real AWS SDK for Go v2 SWF client (and, for the wire basics,
// plain net/http) against an in-process server started with openswftest.
//
// Tests assert only on what a client sees — typed faults, smithy error codes, returned fields, history
// events, raw response bodies — never on openswf's own structs, so they prove wire compatibility rather than
// internal behaviour. SWF timeouts here are real: tests use one- and two-second timeouts, let the server
// fire them on the wall clock, and poll the history with a deadline instead of sleeping.
//
// The package has no non-test code besides this file.
package e2e
