package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"strings"
	"sync"
)

// A task token names a run, the task's scheduled event id and the started event id of the attempt it was
// handed out for, and carries an HMAC under the server's key, so a forged or altered token is rejected
// before any lookup. Page tokens use the same seal with a different purpose byte.
//
// Layout before base64url: version(1) purpose(1) uvarint(scheduledID) uvarint(startedID) runID | mac(16).

const (
	tokenVersion = 1
	macSize      = 16
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
}

func (c *tokenCodec) mac(b []byte) []byte {
	m := c.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(b)
	sum := m.Sum(make([]byte, 0, sha256.Size))[:macSize]
	c.macs.Put(m)
	return sum
}

// seal returns the base64url text of purpose+payload with its MAC.
func (c *tokenCodec) seal(purpose byte, payload []byte) string {
	b := make([]byte, 0, 2+len(payload)+macSize)
	b = append(b, tokenVersion, purpose)
	b = append(b, payload...)
	b = append(b, c.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// open checks a sealed token's MAC and purpose and returns its payload.
func (c *tokenCodec) open(purpose byte, s string) ([]byte, error) {
	// The decoder skips CR and LF; a token must be exactly what seal wrote, so refuse them first.
	if len(s) == 0 || len(s) > 2048 || strings.ContainsAny(s, "\r\n") {
		return nil, errBadToken
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) < 2+macSize {
		return nil, errBadToken
	}
	body, mac := b[:len(b)-macSize], b[len(b)-macSize:]
	if !hmac.Equal(mac, c.mac(body)) || body[0] != tokenVersion || body[1] != purpose {
		return nil, errBadToken
	}
	return body[2:], nil
}

func (c *tokenCodec) taskToken(purpose byte, r taskRef) string {
	p := make([]byte, 0, 2*binary.MaxVarintLen64+len(r.RunID))
	p = binary.AppendUvarint(p, uint64(r.ScheduledID))
	p = binary.AppendUvarint(p, uint64(r.StartedID))
	p = append(p, r.RunID...)
	return c.seal(purpose, p)
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
	p, err := c.open(purpose, s)
	if err != nil {
		return taskRef{}, err
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
	if len(p) == 0 || sched == 0 || started == 0 || sched > 1<<62 || started > 1<<62 {
		return taskRef{}, errBadToken
	}
	return taskRef{RunID: string(p), ScheduledID: int64(sched), StartedID: int64(started)}, nil
}
