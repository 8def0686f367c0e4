// Package awsjson is the plumbing between openswf's HTTP listener and its per-API packages (swf, sfn): the
// AWS JSON 1.0 protocol ("awsJson1_0") that Amazon SWF and AWS Step Functions speak.
//
// A Model is parsed from an AWS service model (botocore's service-2.json format) and validates request
// bodies against an operation's input shape before any handler sees them, answering the same
// SerializationException and ValidationException faults AWS does. A Server routes requests by their
// X-Amz-Target header to the Handler registered for the operation, bounds the body size, gives every
// response an x-amzn-RequestId, recovers handler panics and writes faults in the exact shape all AWS SDKs
// read: {"__type":"<namespace>#<Name>","message":"…"} with HTTP 400 (500 for InternalFailure, 503 for
// ServiceUnavailable).
//
// Authorization headers are parsed (ParseAuthorization) and the credential is handed to handlers through
// the context (CredentialFrom), but nothing is verified yet: any credentials are accepted.
//
// The package depends on the standard library only and keeps no global state.
package awsjson
