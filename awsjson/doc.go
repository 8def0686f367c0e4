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
// With Options.Authenticate set, the Server verifies every request's AWS Signature Version 4 before routing
// it (Authenticator: the canonical request as the AWS SDKs and CLIs build it, the body's hash included, the
// date within 15 minutes of the server's clock, derived signing keys cached) and answers AWS's
// authentication faults otherwise; handlers find the verified signer with PrincipalFrom. Without it, any
// credentials are accepted, and Options.ParseCredentials hands the unverified credential to handlers
// (CredentialFrom).
//
// The package depends on the standard library only and keeps no global state.
package awsjson
