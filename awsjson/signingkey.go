package awsjson

import (
	"sync"
)

// signingKeys caches derived SigV4 signing keys. A key depends only on the secret and the credential scope
// (date, region, service), so a worker heartbeating all day costs one HMAC (the signature) per request
// rather than five.
//
// The cache is bounded: when full, it drops an arbitrary entry (Go's map order) before adding one. Entries
// of past days are never used again and go that way; no clock is needed to expire them.
type signingKeys struct {
	max int

	mu   sync.Mutex
	keys map[scopeKey][]byte
}

// scopeKey identifies a derived key. The secret is part of it, so that a rotated secret derives afresh.
type scopeKey struct {
	secret, date, region, service string
}

// newSigningKeys returns an empty cache holding at most max keys.
func newSigningKeys(max int) *signingKeys {
	return &signingKeys{max: max, keys: make(map[scopeKey][]byte)}
}

// get returns the signing key of secret for the scope, deriving it on a miss. The returned slice is shared
// and must not be modified.
func (c *signingKeys) get(secret, date, region, service string) []byte {
	k := scopeKey{secret, date, region, service}
	c.mu.Lock()
	key, ok := c.keys[k]
	c.mu.Unlock()
	if ok {
		return key
	}
	key = deriveSigningKey(secret, date, region, service)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.keys) >= c.max {
		for old := range c.keys {
			delete(c.keys, old)
			break
		}
	}
	c.keys[k] = key
	return key
}

// len returns the number of cached keys.
func (c *signingKeys) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.keys)
}

// deriveSigningKey is SigV4's key derivation: an HMAC-SHA256 chain from "AWS4"+secret over the date, the
// region, the service and "aws4_request".
func deriveSigningKey(secret, date, region, service string) []byte {
	k := sign([]byte("AWS4"+secret), []byte(date))
	k = sign(k, []byte(region))
	k = sign(k, []byte(service))
	return sign(k, []byte("aws4_request"))
}
