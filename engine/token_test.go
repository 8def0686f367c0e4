package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestToken_RoundTrip(t *testing.T) {
	c := newTokenCodec(oneKey(7))
	ref := taskRef{RunID: "run-1", ScheduledID: 5, StartedID: 9}
	tok := c.taskToken(purposeActivity, ref)
	got, err := c.parseTaskToken(purposeActivity, tok)
	if err != nil || got != ref {
		t.Fatalf("parse = %+v, %v; want %+v", got, err, ref)
	}
	if len(tok) > 1024 {
		t.Errorf("token length %d exceeds the model's 1024", len(tok))
	}
}

func TestToken_Rejects(t *testing.T) {
	c := newTokenCodec(oneKey(7))
	other := newTokenCodec(oneKey(8))
	tok := c.taskToken(purposeActivity, taskRef{RunID: "run-1", ScheduledID: 5, StartedID: 9})
	altered := []byte(tok)
	altered[len(altered)/2] ^= 1
	for name, s := range map[string]string{
		"empty":         "",
		"garbage":       "not a token",
		"altered":       string(altered),
		"other key":     other.taskToken(purposeActivity, taskRef{RunID: "run-1", ScheduledID: 5, StartedID: 9}),
		"other purpose": c.taskToken(purposeDecision, taskRef{RunID: "run-1", ScheduledID: 5, StartedID: 9}),
		"truncated":     tok[:len(tok)-2],
	} {
		if _, err := c.parseTaskToken(purposeActivity, s); err == nil {
			t.Errorf("%s token accepted", name)
		}
	}
}

func FuzzParseTaskToken(f *testing.F) {
	c := newTokenCodec(oneKey(7))
	f.Add(c.taskToken(purposeActivity, taskRef{RunID: "r", ScheduledID: 1, StartedID: 2}))
	f.Add(c.taskToken(purposeActivity, taskRef{RunID: "r", ScheduledID: 1, StartedID: 2, Domain: "dom"}))
	f.Add(c.taskToken(purposeActivity, taskRef{RunID: "r", ScheduledID: 1, StartedID: 2, Domain: strings.Repeat("\U0001F600", 256)}))
	f.Add(c.taskToken(purposeDecision, taskRef{RunID: "abcdefghijklmnopqrstuvwxyz012345", ScheduledID: 1 << 40, StartedID: 3}))
	f.Add(legacyTaskToken(c, purposeActivity, taskRef{RunID: "r", ScheduledID: 1, StartedID: 2}))
	f.Add(domainTaskToken(c, purposeActivity, taskRef{RunID: "r", ScheduledID: 1, StartedID: 2, Domain: "dom"}))
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := c.parseTaskToken(purposeActivity, s)
		if err != nil {
			return
		}
		// Anything accepted must re-seal to the same token, at its version: only tokens this key issued parse.
		again := c.taskToken(purposeActivity, ref)
		if b, _ := base64.RawURLEncoding.DecodeString(s); len(b) > 0 && b[0] == tokenVersion {
			again = legacyTaskToken(c, purposeActivity, ref)
		} else if len(b) > 0 && b[0] == domainTokenVersion {
			again = domainTaskToken(c, purposeActivity, ref)
		}
		if again != s {
			t.Fatalf("accepted a token the codec did not issue: %q (reissued %q)", s, again)
		}
	})
}

// legacyTaskToken seals r as task tokens were sealed before they carried the domain (version 1).
func legacyTaskToken(c *tokenCodec, purpose byte, r taskRef) string {
	p := binary.AppendUvarint(nil, uint64(r.ScheduledID))
	p = binary.AppendUvarint(p, uint64(r.StartedID))
	return sealAs(c, tokenVersion, purpose, append(p, r.RunID...))
}

// domainTaskToken seals r as task tokens were sealed before they named their key (version 2).
func domainTaskToken(c *tokenCodec, purpose byte, r taskRef) string {
	build := func(domain string) []byte {
		p := binary.AppendUvarint(nil, uint64(r.ScheduledID))
		p = binary.AppendUvarint(p, uint64(r.StartedID))
		p = binary.AppendUvarint(p, uint64(len(domain)))
		p = append(p, domain...)
		return append(p, r.RunID...)
	}
	p := build(r.Domain)
	if base64.RawURLEncoding.EncodedLen(2+len(p)+macSize) > maxTaskToken {
		p = build("")
	}
	return sealAs(c, domainTokenVersion, purpose, p)
}

// oneKey is a ring of one key, key 0, of 32 bytes b.
func oneKey(b byte) keyRing {
	return keyRing{Keys: []ringKey{{ID: 0, Key: bytes.Repeat([]byte{b}, 32)}}}
}

// sealAs seals a token at a version: under key 0 and without a key id before version 3, as servers before
// the key ring did; under the signing key from version 3 on.
func sealAs(c *tokenCodec, version, purpose byte, payload []byte) string {
	k := c.ring.Load().keys[0]
	b := []byte{version, purpose}
	if version >= keyedTokenVersion {
		k = c.ring.Load().signer
		b = append(b, k.id)
	}
	b = append(b, payload...)
	return base64.RawURLEncoding.EncodeToString(append(b, k.mac(b)...))
}

// A task token carries its run's domain, as long as the token stays within the model's 1,024 characters;
// past that it carries none rather than grow too long for clients to send back.
func TestToken_Domain(t *testing.T) {
	c := newTokenCodec(oneKey(7))
	runID := strings.Repeat("R", 32) // newRunID's length
	for _, tc := range []struct {
		name, domain, want string
	}{
		{"short", "orders", "orders"},
		{"256 ASCII characters", strings.Repeat("d", 256), strings.Repeat("d", 256)},
		{"256 characters of 4 bytes", strings.Repeat("\U0001F600", 256), ""},
	} {
		ref := taskRef{RunID: runID, ScheduledID: 1 << 40, StartedID: 1<<40 + 1, Domain: tc.domain}
		tok := c.taskToken(purposeActivity, ref)
		if len(tok) > maxTaskToken {
			t.Errorf("%s: token of %d characters, over the model's %d", tc.name, len(tok), maxTaskToken)
		}
		got, err := c.parseTaskToken(purposeActivity, tok)
		ref.Domain = tc.want
		if err != nil || got != ref {
			t.Errorf("%s: parse = %+v, %v; want %+v", tc.name, got, err, ref)
		}
	}
}

// Task tokens issued before tokens carried their domain (version 1) still open, naming no domain, and those
// issued before they named their key (version 2) still open with their domain; page tokens open at
// versions 1 and 3 only, and a version 2 payload whose domain runs past its end is refused
// even under a good MAC.
func TestToken_Versions(t *testing.T) {
	c := newTokenCodec(oneKey(7))
	ref := taskRef{RunID: "run-1", ScheduledID: 5, StartedID: 9}
	if got, err := c.parseTaskToken(purposeActivity, legacyTaskToken(c, purposeActivity, ref)); err != nil || got != ref {
		t.Errorf("version 1 token: parse = %+v, %v; want %+v", got, err, ref)
	}
	if _, err := c.open(purposeHistory, sealAs(c, domainTokenVersion, purposeHistory, []byte("page"))); err == nil {
		t.Error("a page token of version 2 opened")
	}
	if _, err := c.parseTaskToken(purposeActivity, sealAs(c, 4, purposeActivity, []byte{5, 9, 0, 'r'})); err == nil {
		t.Error("a task token of version 4 opened")
	}
	if _, err := c.parseTaskToken(purposeActivity, sealAs(c, 0, purposeActivity, []byte{5, 9, 'r'})); err == nil {
		t.Error("a task token of version 0 opened")
	}
	v2 := domainTaskToken(c, purposeActivity, taskRef{RunID: "run-1", ScheduledID: 5, StartedID: 9, Domain: "d"})
	if got, err := c.parseTaskToken(purposeActivity, v2); err != nil || got.Domain != "d" || got.RunID != "run-1" {
		t.Errorf("version 2 token: parse = %+v, %v; want domain d, run run-1", got, err)
	}
	if got, err := c.open(purposeHistory, sealAs(c, tokenVersion, purposeHistory, []byte("page"))); err != nil || string(got) != "page" {
		t.Errorf("version 1 page token: open = %q, %v; want page", got, err)
	}
	if _, err := c.parseTaskToken(purposeActivity, sealAs(c, domainTokenVersion, purposeActivity, []byte{5, 9, 9, 'd', 'r'})); err == nil {
		t.Error("a task token whose domain length runs past its end opened")
	}
	if _, err := c.parseTaskToken(purposeActivity, sealAs(c, domainTokenVersion, purposeActivity, []byte{5, 9, 1, 'd'})); err == nil {
		t.Error("a task token with a domain and no run id opened")
	}
}

// Verified tokens are remembered, under their purpose: a token opened once still opens as nothing else, and
// the memory of them stays bounded.
func TestToken_VerifiedCache(t *testing.T) {
	c := newTokenCodec(oneKey(7))
	ref := taskRef{RunID: "run-1", ScheduledID: 5, StartedID: 9}
	tok := c.taskToken(purposeActivity, ref)
	for range 2 {
		if got, err := c.parseTaskToken(purposeActivity, tok); err != nil || got != ref {
			t.Fatalf("parse = %+v, %v; want %+v", got, err, ref)
		}
	}
	if _, err := c.parseTaskToken(purposeDecision, tok); err == nil {
		t.Error("an activity token, once verified, opened as a decision token")
	}
	altered := []byte(tok)
	altered[len(altered)/2] ^= 1
	if _, err := c.parseTaskToken(purposeActivity, string(altered)); err == nil {
		t.Error("an altered token of a verified one was accepted")
	}
	for i := range maxVerified + 10 {
		r := taskRef{RunID: "run-2", ScheduledID: int64(i + 1), StartedID: 1}
		if got, err := c.parseTaskToken(purposeActivity, c.taskToken(purposeActivity, r)); err != nil || got != r {
			t.Fatalf("token %d: %+v, %v", i, got, err)
		}
	}
	if n := len(c.verified); n > maxVerified {
		t.Errorf("%d verified tokens kept, want at most %d", n, maxVerified)
	}
	if got, err := c.parseTaskToken(purposeActivity, tok); err != nil || got != ref {
		t.Errorf("after the cache was cleared: %+v, %v", got, err)
	}
}

// Key ids go up from the signing key's, wrap past 255 and skip ids the ring holds; a full ring takes no
// more keys; retiring keeps the keys replaced less than the age ago, and the signing key.
func TestKeyRing_AddRetire(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := keyRing{Keys: []ringKey{{ID: 0, Added: t0, Key: []byte{0}}}}
	var err error
	for i := 1; i < maxRingKeys; i++ {
		if r, err = r.add([]byte{byte(i)}, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatalf("add key %d: %v", i, err)
		}
	}
	if _, err := r.add([]byte{1}, t0); err == nil {
		t.Error("a full ring took another key")
	}
	// Keys 0..255 added hourly: at hour 300, keys replaced 100 hours ago or more (0..199, replaced at hours
	// 1..200) go.
	r = r.retire(t0.Add(300*time.Hour), 100*time.Hour)
	if len(r.Keys) != 56 || r.Keys[0].ID != 200 || r.Keys[55].ID != 255 {
		t.Fatalf("after retiring: %d keys, %d..%d; want 56, 200..255", len(r.Keys), r.Keys[0].ID, r.Keys[len(r.Keys)-1].ID)
	}
	if r, err = r.add([]byte{9}, t0.Add(301*time.Hour)); err != nil || r.Keys[56].ID != 0 {
		t.Fatalf("add after 255: %v, id %d; want id 0", err, r.Keys[len(r.Keys)-1].ID)
	}
	r = r.retire(t0.Add(10000*time.Hour), time.Hour)
	if len(r.Keys) != 1 || r.Keys[0].ID != 0 {
		t.Errorf("retiring all: %d keys; want the signing key only", len(r.Keys))
	}
	c := newTokenCodec(r)
	if ks := c.ring.Load(); ks.signer.id != 0 || ks.keys[255] != nil {
		t.Errorf("codec of the ring: signer %d, key 255 %v", c.ring.Load().signer.id, c.ring.Load().keys[255])
	}
}

// A token opens under the key it names only, whichever keys the ring holds.
func TestToken_KeyRing(t *testing.T) {
	k0, k1 := oneKey(7).Keys[0], ringKey{ID: 1, Key: bytes.Repeat([]byte{8}, 32)}
	old := newTokenCodec(keyRing{Keys: []ringKey{k0}})
	both := newTokenCodec(keyRing{Keys: []ringKey{k0, k1}})
	newer := newTokenCodec(keyRing{Keys: []ringKey{k1}})
	ref := taskRef{RunID: "run-1", ScheduledID: 5, StartedID: 9, Domain: "d"}
	tok0, tok1 := old.taskToken(purposeActivity, ref), both.taskToken(purposeActivity, ref)
	if tok0 == tok1 {
		t.Fatal("the rotated ring seals with the old key")
	}
	for _, tt := range []struct {
		name string
		c    *tokenCodec
		tok  string
		ok   bool
	}{
		{"old key, old ring", old, tok0, true},
		{"old key, both", both, tok0, true},
		{"new key, both", both, tok1, true},
		{"new key, old ring", old, tok1, false},
		{"old key, retired", newer, tok0, false},
		{"version 1, retired", newer, legacyTaskToken(old, purposeActivity, ref), false},
		{"version 2, retired", newer, domainTaskToken(old, purposeActivity, ref), false},
	} {
		_, err := tt.c.parseTaskToken(purposeActivity, tt.tok)
		if (err == nil) != tt.ok {
			t.Errorf("%s: parse error %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	// A token naming key 1 but sealed with key 0 (as after key 1's id is reused) does not open.
	b, _ := base64.RawURLEncoding.DecodeString(tok0)
	b[2] = 1
	body := b[:len(b)-macSize]
	copy(b[len(b)-macSize:], old.ring.Load().keys[0].mac(body))
	if _, err := both.parseTaskToken(purposeActivity, base64.RawURLEncoding.EncodeToString(b)); err == nil {
		t.Error("a token naming key 1 opened under key 0's MAC")
	}
	page := both.seal(purposeHistory, []byte("p"))
	if _, err := newer.open(purposeHistory, page); err != nil {
		t.Errorf("page token of key 1: %v", err)
	}
	if _, err := newer.open(purposeHistory, old.seal(purposeHistory, []byte("p"))); err == nil {
		t.Error("a page token of a retired key opened")
	}
}

// A node started before a rotation opens the tokens that a node started after it seals under the new key:
// on a key it does not know, the codec reads the ring again, at most once a second.
func TestToken_ReloadsRingForUnknownKey(t *testing.T) {
	before := oneKey(7)
	after := keyRing{Keys: append(slices.Clone(before.Keys), ringKey{ID: 1, Key: bytes.Repeat([]byte{9}, 32)})}
	newer := newTokenCodec(after)
	tok := newer.taskToken(purposeActivity, taskRef{RunID: "r", ScheduledID: 5, StartedID: 6, Domain: "d"})

	older := newTokenCodec(before)
	if _, err := older.parseTaskToken(purposeActivity, tok); err == nil {
		t.Fatal("a codec without reload opened a token of a key it does not have")
	}
	reloads := 0
	older.reload = func() (keyRing, error) { reloads++; return after, nil }
	got, err := older.parseTaskToken(purposeActivity, tok)
	if err != nil || got.RunID != "r" || got.StartedID != 6 {
		t.Fatalf("after reading the ring again: %+v, %v", got, err)
	}
	if _, err := older.parseTaskToken(purposeActivity, tok); err != nil || reloads != 1 {
		t.Errorf("a second token of the now known key: %v, %d reloads; want it opened with 1 reload", err, reloads)
	}
	// A key no ring has (forged, or retired) reads the ring at most once a second.
	bad := newTokenCodec(keyRing{Keys: []ringKey{{ID: 2, Key: bytes.Repeat([]byte{3}, 32)}}}).taskToken(purposeActivity, taskRef{RunID: "x"})
	for range 5 {
		if _, err := older.parseTaskToken(purposeActivity, bad); err == nil {
			t.Fatal("a token of key 2, in no ring, opened")
		}
	}
	if reloads != 1 {
		t.Errorf("%d reloads after five tokens of an unknown key within a second of the first, want still 1", reloads)
	}
}
