package awsjson

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// requestIDKey and credentialKey key the values a Server puts into a request's context.
type (
	requestIDKey  struct{}
	credentialKey struct{}
	principalKey  struct{}
)

// RequestID returns the id of the request being served (the x-amzn-RequestId the client will see), or ""
// outside a Server. Handlers log it so that a client's report can be matched to the server's log.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// CredentialFrom returns the credential parsed from the request's Authorization header, or nil when the
// header was missing or malformed. It is verified only when the Server authenticates requests
// (Options.Authenticate); PrincipalFrom says who signed.
func CredentialFrom(ctx context.Context) *Credential {
	c, _ := ctx.Value(credentialKey{}).(*Credential)
	return c
}

// PrincipalFrom returns the verified signer of the request, or nil when the Server does not authenticate
// requests (Options.Authenticate is nil). With authentication on, a handler never runs without one.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// withPrincipal returns ctx carrying the verified principal.
func withPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// withRequestID returns ctx carrying the request id.
func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// withCredential returns ctx carrying the parsed credential (possibly nil).
func withCredential(ctx context.Context, c *Credential) context.Context {
	return context.WithValue(ctx, credentialKey{}, c)
}

// newRequestID returns a random (version 4) UUID, the form AWS request ids take.
func newRequestID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])  // crypto/rand.Read never fails; it crashes the program if the OS source does.
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// Transport is what access control may ask of a request's connection: the caller's address and whether it
// came over TLS (the global condition keys aws:SourceIp and aws:SecureTransport).
type Transport struct {
	SourceIP string
	Secure   bool
}

type transportKey struct{}

// TransportFrom returns the connection of the request being served, when authentication is on.
func TransportFrom(ctx context.Context) (Transport, bool) {
	t, ok := ctx.Value(transportKey{}).(Transport)
	return t, ok
}
