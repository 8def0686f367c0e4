package engine

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openswf/openswf"
)

// A task token names the domain and the run, the task's scheduled event id and the started event id of
// the attempt it was handed out for, and carries an HMAC under one of the server's keys, so a forged or
// altered token is rejected before any lookup. Page tokens use the same seal with a different purpose
// byte.
//
// Layout before base64url: version(1) purpose(1) [key id(1)] payload mac(16), the MAC over all before it,
// under the key of the ring (tokenkeys.go) that the key id names; tokens of versions 1 and 2 carry no key
// id and are key 0's. Payloads:
//
//	version 3, task tokens: uvarint(scheduledID) uvarint(startedID) uvarint(len(domain)) domain runID
//	version 3, page tokens: as each purpose lays it out
//	version 2, task tokens: as version 3's
//	version 1, task tokens: uvarint(scheduledID) uvarint(startedID) runID
//	version 1, page tokens: as version 3's
//
// Version 3 carries the key id, so that the key can rotate (tokenkeys.go); tokens are issued at version 3
// now. Version 2 carries the domain so that an API can authorise a token's operation on its domain without
// reading the run (TokenDomain). Tokens of versions 1 and 2, issued before the upgrades that brought the
// next version, still open (while key 0 is in the ring), so that tasks handed out before an upgrade can be
// completed after it; version 1 task tokens name no domain. A domain name is at most 256 characters, but up
// to 1,024 bytes in UTF-8, and the model caps a task token at 1,024 characters: a token whose domain would
// not fit carries a domain length of 0 instead (a domain name is never empty), and names no domain either.

const (
	// tokenVersion is the version of page tokens and task tokens that name neither their key nor their
	// domain.
	tokenVersion = 1
	// domainTokenVersion is the version of task tokens that name their domain but not their key.
	domainTokenVersion = 2
	// keyedTokenVersion is the version of the tokens issued now, which name their key.
	keyedTokenVersion = 3
	macSize           = 16
	// maxTaskToken is the model's limit on a taskToken's length, in characters.
	maxTaskToken = 1024
)

// Purposes of sealed tokens; a token of one purpose never opens as another.
const (
	purposeActivity byte = 'a'
	purposeDecision byte = 'd'
	purposeHistory  byte = 'h'
	purposeTypes    byte = 't'
	purposeDomains  byte = 'n'
	purposeOpenActs byte = 'o'
)

var errBadToken = errors.New("invalid token")

type tokenCodec struct {
	ring atomic.Pointer[keySet]
	// reload reads the ring again, when a token names a key this node has not loaded: another node sharing
	// the store may have been started after a rotation (openswf rotate-token-key), and seals with the new
	// key. Nil for none; at most one reload per reloadEvery.
	reload     func() (keyRing, error)
	lastReload atomic.Int64 // Unix nanoseconds

	// verified maps task tokens already opened to what they name: a worker sends the same token with every
	// heartbeat, and the same text always opens the same way. Cleared whole when full.
	mu       sync.RWMutex
	verified map[verifiedKey]taskRef
}

// tokenKey is a key of the ring with its MACs.
type tokenKey struct {
	id   byte
	key  []byte
	macs sync.Pool // of keyed HMAC states: Reset takes one back to its key without hashing the key again
}

type verifiedKey struct {
	purpose byte
	token   string
}

// maxVerified bounds the verified task tokens kept (about 250 bytes each).
const maxVerified = 1 << 16

// keySet is a ring's keys by id, nil where the ring has none, and the newest, which seals.
type keySet struct {
	keys   [maxRingKeys]*tokenKey
	signer *tokenKey
}

// reloadEvery bounds how often a codec reads the ring again for a key it does not know.
const reloadEvery = time.Second

// newTokenCodec returns a codec of the ring's keys; the last signs.
func newTokenCodec(ring keyRing) *tokenCodec {
	c := &tokenCodec{verified: map[verifiedKey]taskRef{}}
	c.ring.Store(newKeySet(ring))
	return c
}

func newKeySet(ring keyRing) *keySet {
	ks := &keySet{}
	for _, rk := range ring.Keys {
		k := &tokenKey{id: rk.ID, key: rk.Key}
		k.macs.New = func() any { return hmac.New(sha256.New, k.key) }
		ks.keys[rk.ID] = k
		ks.signer = k
	}
	return ks
}

// key returns the key of id, reading the ring again (at most once per reloadEvery) if it is not loaded.
func (c *tokenCodec) key(id byte) *tokenKey {
	if k := c.ring.Load().keys[id]; k != nil || c.reload == nil {
		return k
	}
	now := time.Now().UnixNano()
	last := c.lastReload.Load()
	if now-last < int64(reloadEvery) || !c.lastReload.CompareAndSwap(last, now) {
		return nil
	}
	ring, err := c.reload()
	if err != nil {
		return nil
	}
	ks := newKeySet(ring)
	c.ring.Store(ks)
	return ks.keys[id]
}

// taskRef is what a task token names.
type taskRef struct {
	RunID       string
	ScheduledID int64
	StartedID   int64
	// Domain is the run's domain, or "" when the token does not carry it (see the layout above).
	Domain string
}

func (k *tokenKey) mac(b []byte) []byte {
	m := k.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(b)
	sum := m.Sum(make([]byte, 0, sha256.Size))[:macSize]
	k.macs.Put(m)
	return sum
}

// seal returns the base64url text of a token: purpose+payload with the signing key's id and MAC.
func (c *tokenCodec) seal(purpose byte, payload []byte) string {
	k := c.ring.Load().signer
	b := make([]byte, 0, 3+len(payload)+macSize)
	b = append(b, keyedTokenVersion, purpose, k.id)
	b = append(b, payload...)
	b = append(b, k.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// open checks a page token's MAC, version and purpose and returns its payload.
func (c *tokenCodec) open(purpose byte, s string) ([]byte, error) {
	version, p, err := c.openAny(purpose, s)
	if err != nil || (version != tokenVersion && version != keyedTokenVersion) {
		return nil, errBadToken
	}
	return p, nil
}

// openAny checks a sealed token's MAC, under the key it names, and its purpose, and returns its version
// and payload.
func (c *tokenCodec) openAny(purpose byte, s string) (byte, []byte, error) {
	// The decoder skips CR and LF; a token must be exactly what seal wrote, so refuse them first.
	if len(s) == 0 || len(s) > 2048 || strings.ContainsAny(s, "\r\n") {
		return 0, nil, errBadToken
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) < 2+macSize {
		return 0, nil, errBadToken
	}
	body, mac := b[:len(b)-macSize], b[len(b)-macSize:]
	var k *tokenKey
	head := 2
	switch body[0] {
	case tokenVersion, domainTokenVersion:
		k = c.key(0)
	case keyedTokenVersion:
		if len(body) < 3 {
			return 0, nil, errBadToken
		}
		k, head = c.key(body[2]), 3
	}
	if k == nil || !hmac.Equal(mac, k.mac(body)) || body[1] != purpose {
		return 0, nil, errBadToken
	}
	return body[0], body[head:], nil
}

// taskToken seals a task token, with the domain if the token then stays within the
// model's length limit.
func (c *tokenCodec) taskToken(purpose byte, r taskRef) string {
	build := func(domain string) []byte {
		p := make([]byte, 0, 3*binary.MaxVarintLen64+len(domain)+len(r.RunID))
		p = binary.AppendUvarint(p, uint64(r.ScheduledID))
		p = binary.AppendUvarint(p, uint64(r.StartedID))
		p = binary.AppendUvarint(p, uint64(len(domain)))
		p = append(p, domain...)
		return append(p, r.RunID...)
	}
	p := build(r.Domain)
	if base64.RawURLEncoding.EncodedLen(3+len(p)+macSize) > maxTaskToken {
		p = build("")
	}
	return c.seal(purpose, p)
}

// taskPurpose returns the purpose a task token claims, unverified ('\x00' if it is not base64url of a
// token): parseTaskToken then verifies the claim.
func (c *tokenCodec) taskPurpose(s string) byte {
	if len(s) < 4 || len(s) > 2048 {
		return 0
	}
	b, err := base64.RawURLEncoding.DecodeString(s[:4]) // the first 3 bytes
	if err != nil {
		return 0
	}
	return b[1]
}

func (c *tokenCodec) parseTaskToken(purpose byte, s string) (taskRef, error) {
	k := verifiedKey{purpose, s}
	c.mu.RLock()
	r, ok := c.verified[k]
	c.mu.RUnlock()
	if ok {
		return r, nil
	}
	r, err := c.openTaskToken(purpose, s)
	if err != nil {
		return r, err
	}
	c.mu.Lock()
	if len(c.verified) >= maxVerified {
		clear(c.verified)
	}
	c.verified[k] = r
	c.mu.Unlock()
	return r, nil
}

func (c *tokenCodec) openTaskToken(purpose byte, s string) (taskRef, error) {
	version, p, err := c.openAny(purpose, s)
	if err != nil || (version != tokenVersion && version != domainTokenVersion && version != keyedTokenVersion) {
		return taskRef{}, errBadToken
	}
	sched, n := binary.Uvarint(p)
	if n <= 0 {
		return taskRef{}, errBadToken
	}
	p = p[n:]
	started, n := binary.Uvarint(p)
	if n <= 0 {
		return taskRef{}, errBadToken
	}
	p = p[n:]
	var domain string
	if version != tokenVersion {
		size, n := binary.Uvarint(p)
		if n <= 0 || size > uint64(len(p)-n) {
			return taskRef{}, errBadToken
		}
		domain, p = string(p[n:n+int(size)]), p[n+int(size):]
	}
	if len(p) == 0 || sched == 0 || started == 0 || sched > 1<<62 || started > 1<<62 {
		return taskRef{}, errBadToken
	}
	return taskRef{RunID: string(p), ScheduledID: int64(sched), StartedID: int64(started), Domain: domain}, nil
}

// TokenDomain returns the domain of the run that a task token names — an activity task's or a decision
// task's — once the token's MAC has verified it, so that an API can authorise the token's operation on that
// domain before carrying it out. A forged, altered or truncated token is KindUnknownResource, as the
// operations themselves answer it; whether the attempt it names is still open is for the operation to
// find. The token carries the domain, so this reads nothing; only a version 1 token (issued before tokens
// carried their domain) or one of a domain whose name is too long to fit costs one read of the run.
func (e *Engine) TokenDomain(ctx context.Context, token string) (string, error) {
	purpose := e.tokens.taskPurpose(token)
	if purpose == purposeCallback {
		cb, err := e.openCallback(token)
		if err != nil {
			return "", unknown("Unknown or invalid task token")
		}
		return cb.Domain, nil
	}
	if purpose != purposeActivity && purpose != purposeDecision {
		return "", unknown("Unknown or invalid task token")
	}
	ref, err := e.tokens.parseTaskToken(purpose, token)
	if err != nil {
		return "", unknown("Unknown or invalid task token")
	}
	if ref.Domain != "" {
		return ref.Domain, nil
	}
	x, err := e.store.GetRun(ctx, ref.RunID)
	if errors.Is(err, openswf.ErrNotFound) {
		// The run is gone (past its retention period): the token names nothing an operation could act on.
		return "", unknown("Unknown or invalid task token")
	}
	if err != nil {
		return "", fmt.Errorf("read the run of a task token: %w", err)
	}
	return x.Domain, nil
}
