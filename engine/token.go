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

	"github.com/openswf/openswf"
)

// A task token names the domain and the run, the task's scheduled event id and the started event id of
// the attempt it was handed out for, and carries an HMAC under the server's key, so a forged or altered
// token is rejected before any lookup. Page tokens use the same seal with a different purpose byte.
//
// Layout before base64url: version(1) purpose(1) payload mac(16), the MAC over all before it. Payloads:
//
//	task tokens, version 2: uvarint(scheduledID) uvarint(startedID) uvarint(len(domain)) domain runID
//	task tokens, version 1: uvarint(scheduledID) uvarint(startedID) runID
//	page tokens, version 1: as each purpose lays it out
//
// Version 2 carries the domain so that an API can authorise a token's operation on its domain without
// reading the run (TokenDomain). Version 1 task tokens, issued before the upgrade that brought version 2,
// still open, so that tasks handed out before it can be completed after it; they name no domain. A domain
// name is at most 256 characters, but up to 1,024 bytes in UTF-8, and the model caps a task token at 1,024
// characters: a version 2 token whose domain would not fit carries a domain length of 0 instead (a
// domain name is never empty), and names no domain either.

const (
	// tokenVersion is the version of page tokens, and of task tokens that name no domain.
	tokenVersion = 1
	// taskTokenVersion is the version of the task tokens issued now, which carry the domain.
	taskTokenVersion = 2
	macSize          = 16
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
)

var errBadToken = errors.New("invalid token")

type tokenCodec struct {
	key  []byte
	macs sync.Pool // of keyed HMAC states: Reset takes one back to its key without hashing the key again

	// verified maps task tokens already opened to what they name: a worker sends the same token with every
	// heartbeat, and the same text always opens the same way. Cleared whole when full.
	mu       sync.RWMutex
	verified map[verifiedKey]taskRef
}

type verifiedKey struct {
	purpose byte
	token   string
}

// maxVerified bounds the verified task tokens kept (about 250 bytes each).
const maxVerified = 1 << 16

func newTokenCodec(key []byte) *tokenCodec {
	c := &tokenCodec{key: key, verified: map[verifiedKey]taskRef{}}
	c.macs.New = func() any { return hmac.New(sha256.New, c.key) }
	return c
}

// taskRef is what a task token names.
type taskRef struct {
	RunID       string
	ScheduledID int64
	StartedID   int64
	// Domain is the run's domain, or "" when the token does not carry it (see the layout above).
	Domain string
}

func (c *tokenCodec) mac(b []byte) []byte {
	m := c.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(b)
	sum := m.Sum(make([]byte, 0, sha256.Size))[:macSize]
	c.macs.Put(m)
	return sum
}

// seal returns the base64url text of a page token: purpose+payload with its MAC, at tokenVersion.
func (c *tokenCodec) seal(purpose byte, payload []byte) string {
	return c.sealAs(tokenVersion, purpose, payload)
}

// sealAs returns the base64url text of version+purpose+payload with its MAC.
func (c *tokenCodec) sealAs(version, purpose byte, payload []byte) string {
	b := make([]byte, 0, 2+len(payload)+macSize)
	b = append(b, version, purpose)
	b = append(b, payload...)
	b = append(b, c.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// open checks a page token's MAC, version and purpose and returns its payload.
func (c *tokenCodec) open(purpose byte, s string) ([]byte, error) {
	version, p, err := c.openAny(purpose, s)
	if err != nil || version != tokenVersion {
		return nil, errBadToken
	}
	return p, nil
}

// openAny checks a sealed token's MAC and purpose and returns its version and payload.
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
	if !hmac.Equal(mac, c.mac(body)) || body[1] != purpose {
		return 0, nil, errBadToken
	}
	return body[0], body[2:], nil
}

// taskToken seals a task token at taskTokenVersion, with the domain if the token then stays within the
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
	if base64.RawURLEncoding.EncodedLen(2+len(p)+macSize) > maxTaskToken {
		p = build("")
	}
	return c.sealAs(taskTokenVersion, purpose, p)
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
	if err != nil || (version != tokenVersion && version != taskTokenVersion) {
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
	if version == taskTokenVersion {
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
