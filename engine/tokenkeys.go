package engine

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openswf/openswf"
)

// Task and page tokens are sealed with the newest key of a ring kept in the store, and open under any key
// of it, so that the key can be replaced without invalidating the tokens of open tasks: rotation adds a
// key, which signs from the next start on, and the keys before it verify the tokens they sealed until they
// are retired. A key's id is in every token it seals (the layout in token.go), so that opening one costs a
// single MAC whatever the ring holds.
//
// The ring is one secret, a JSON document, rewritten whole by rotation (Store.UpdateSecret). Key 0 is the
// key of the servers before the ring, the secret "task-token-key": tokens without a key id (versions 1
// and 2) are its. The ring is read at Open; a rotation takes effect at the next start.

const (
	// legacyKeySecret is the secret holding key 0, the only key before the ring.
	legacyKeySecret = "task-token-key"
	// keyRingSecret is the secret holding the ring.
	keyRingSecret = "task-token-keys"
	// tokenKeySize is the size of a key in bytes.
	tokenKeySize = 32
	// maxRingKeys is how many keys a ring holds at most: one per key id.
	maxRingKeys = 256
)

// keyRing is the stored ring: its keys, oldest first; the last signs.
type keyRing struct {
	Keys []ringKey `json:"keys"`
}

// ringKey is one key of the ring.
type ringKey struct {
	ID byte `json:"id"`
	// Added is when the key joined the ring (for key 0 brought in from before the ring: when the ring was
	// made). The key after it in the ring replaced it as the signing key at that key's Added time.
	Added time.Time `json:"added"`
	Key   []byte    `json:"key"`
}

// TokenKey describes a key of the ring, without its secret, for an operator.
type TokenKey struct {
	ID    int
	Added time.Time
	// Signing is true for the key that seals new tokens.
	Signing bool
	// Superseded is when the next key replaced it as the signing key; zero for the signing key. Tokens
	// sealed with it are at most as old as this.
	Superseded time.Time
}

func decodeRing(b []byte) (keyRing, error) {
	var r keyRing
	if err := json.Unmarshal(b, &r); err != nil {
		return keyRing{}, fmt.Errorf("decode token key ring: %w", err)
	}
	if len(r.Keys) == 0 {
		return keyRing{}, errors.New("decode token key ring: no keys")
	}
	seen := map[byte]bool{}
	for _, k := range r.Keys {
		if seen[k.ID] || len(k.Key) == 0 {
			return keyRing{}, fmt.Errorf("decode token key ring: key %d repeated or empty", k.ID)
		}
		seen[k.ID] = true
	}
	return r, nil
}

func (r keyRing) encode() ([]byte, error) { return json.Marshal(r) }

// describe lists the ring's keys for an operator, oldest first.
func (r keyRing) describe() []TokenKey {
	out := make([]TokenKey, len(r.Keys))
	for i, k := range r.Keys {
		out[i] = TokenKey{ID: int(k.ID), Added: k.Added, Signing: i == len(r.Keys)-1}
		if i+1 < len(r.Keys) {
			out[i].Superseded = r.Keys[i+1].Added
		}
	}
	return out
}

// loadKeyRing reads the ring, making it from key 0 (created too on a new store) the first time.
func loadKeyRing(ctx context.Context, store openswf.Store, now time.Time) (keyRing, error) {
	legacy, err := store.Secret(ctx, legacyKeySecret, newTokenKey)
	if err != nil {
		return keyRing{}, err
	}
	b, err := store.Secret(ctx, keyRingSecret, func() ([]byte, error) {
		return keyRing{Keys: []ringKey{{ID: 0, Added: now.UTC(), Key: legacy}}}.encode()
	})
	if err != nil {
		return keyRing{}, err
	}
	return decodeRing(b)
}

func newTokenKey() ([]byte, error) {
	b := make([]byte, tokenKeySize)
	_, err := rand.Read(b)
	return b, err
}

// RotateOptions says what RotateTokenKeys does besides adding a key.
type RotateOptions struct {
	// Retire, when positive, removes the keys replaced as the signing key at least this long ago: tokens
	// they sealed no longer open. Keep them for longer than the longest a task stays open (an activity
	// task's schedule-to-close timeout, or its execution's start-to-close timeout when there is none; a
	// decision task's execution's) and than a client keeps a page token.
	Retire time.Duration
	// RetireOnly retires keys without adding one.
	RetireOnly bool
}

// RotateTokenKeys adds a fresh key to the token key ring of store, which signs new tokens from the next
// start of a server on it, and retires keys as opts says. The signing key is never retired. It returns the
// ring as it now is. Run it while no server uses the store; servers read the ring when they start.
func RotateTokenKeys(ctx context.Context, store openswf.Store, now time.Time, opts RotateOptions) ([]TokenKey, error) {
	if opts.RetireOnly && opts.Retire <= 0 {
		return nil, errors.New("retire only: no retirement age given")
	}
	// Make the ring first if no server has yet, so that key 0 stays in it.
	if _, err := loadKeyRing(ctx, store, now); err != nil {
		return nil, fmt.Errorf("load token keys: %w", err)
	}
	fresh, err := newTokenKey()
	if err != nil {
		return nil, fmt.Errorf("make token key: %w", err)
	}
	var ring keyRing
	_, err = store.UpdateSecret(ctx, keyRingSecret, func(old []byte, _ bool) ([]byte, error) {
		r, err := decodeRing(old)
		if err != nil {
			return nil, err
		}
		r.Keys = slices.Clone(r.Keys)
		if !opts.RetireOnly {
			if r, err = r.add(fresh, now); err != nil {
				return nil, err
			}
		}
		if opts.Retire > 0 {
			r = r.retire(now, opts.Retire)
		}
		ring = r
		return r.encode()
	})
	if err != nil {
		return nil, fmt.Errorf("rotate token keys: %w", err)
	}
	return ring.describe(), nil
}

// add appends key as the signing key, under the id after the signing key's that the ring does not hold.
func (r keyRing) add(key []byte, now time.Time) (keyRing, error) {
	if len(r.Keys) >= maxRingKeys {
		return r, fmt.Errorf("the ring holds %d keys, the most it can: retire some", len(r.Keys))
	}
	id := r.Keys[len(r.Keys)-1].ID
	for {
		id++ // wraps past 255 to 0: an id is free again once its key is retired
		if !slices.ContainsFunc(r.Keys, func(k ringKey) bool { return k.ID == id }) {
			break
		}
	}
	r.Keys = append(r.Keys, ringKey{ID: id, Added: now.UTC(), Key: key})
	return r, nil
}

// retire drops the keys replaced as the signing key at least age before now.
func (r keyRing) retire(now time.Time, age time.Duration) keyRing {
	kept := r.Keys[:0:0]
	for i, k := range r.Keys {
		if i+1 < len(r.Keys) && !now.Before(r.Keys[i+1].Added.Add(age)) {
			continue
		}
		kept = append(kept, k)
	}
	r.Keys = kept
	return r
}

// TokenKeys lists the token key ring of store, oldest key first, making it if no server has yet.
func TokenKeys(ctx context.Context, store openswf.Store, now time.Time) ([]TokenKey, error) {
	r, err := loadKeyRing(ctx, store, now)
	if err != nil {
		return nil, fmt.Errorf("load token keys: %w", err)
	}
	return r.describe(), nil
}
