package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"
)

func TestToken_RoundTrip(t *testing.T) {
	c := newTokenCodec(bytes.Repeat([]byte{7}, 32))
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
	c := newTokenCodec(bytes.Repeat([]byte{7}, 32))
	other := newTokenCodec(bytes.Repeat([]byte{8}, 32))
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
	c := newTokenCodec(bytes.Repeat([]byte{7}, 32))
	f.Add(c.taskToken(purposeActivity, taskRef{RunID: "r", ScheduledID: 1, StartedID: 2}))
	f.Add(c.taskToken(purposeActivity, taskRef{RunID: "r", ScheduledID: 1, StartedID: 2, Domain: "dom"}))
	f.Add(c.taskToken(purposeActivity, taskRef{RunID: "r", ScheduledID: 1, StartedID: 2, Domain: strings.Repeat("\U0001F600", 256)}))
	f.Add(c.taskToken(purposeDecision, taskRef{RunID: "abcdefghijklmnopqrstuvwxyz012345", ScheduledID: 1 << 40, StartedID: 3}))
	f.Add(legacyTaskToken(c, purposeActivity, taskRef{RunID: "r", ScheduledID: 1, StartedID: 2}))
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
	return c.sealAs(tokenVersion, purpose, append(p, r.RunID...))
}

// A task token carries its run's domain, as long as the token stays within the model's 1,024 characters;
// past that it carries none rather than grow too long for clients to send back.
func TestToken_Domain(t *testing.T) {
	c := newTokenCodec(bytes.Repeat([]byte{7}, 32))
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

// Task tokens issued before tokens carried their domain (version 1) still open, naming no domain; page
// tokens open at their own version only, and a version 2 payload whose domain runs past its end is refused
// even under a good MAC.
func TestToken_Versions(t *testing.T) {
	c := newTokenCodec(bytes.Repeat([]byte{7}, 32))
	ref := taskRef{RunID: "run-1", ScheduledID: 5, StartedID: 9}
	if got, err := c.parseTaskToken(purposeActivity, legacyTaskToken(c, purposeActivity, ref)); err != nil || got != ref {
		t.Errorf("version 1 token: parse = %+v, %v; want %+v", got, err, ref)
	}
	if _, err := c.open(purposeHistory, c.sealAs(taskTokenVersion, purposeHistory, []byte("page"))); err == nil {
		t.Error("a page token of version 2 opened")
	}
	if _, err := c.parseTaskToken(purposeActivity, c.sealAs(3, purposeActivity, []byte{5, 9, 0, 'r'})); err == nil {
		t.Error("a task token of version 3 opened")
	}
	if _, err := c.parseTaskToken(purposeActivity, c.sealAs(taskTokenVersion, purposeActivity, []byte{5, 9, 9, 'd', 'r'})); err == nil {
		t.Error("a task token whose domain length runs past its end opened")
	}
	if _, err := c.parseTaskToken(purposeActivity, c.sealAs(taskTokenVersion, purposeActivity, []byte{5, 9, 1, 'd'})); err == nil {
		t.Error("a task token with a domain and no run id opened")
	}
}

// Verified tokens are remembered, under their purpose: a token opened once still opens as nothing else, and
// the memory of them stays bounded.
func TestToken_VerifiedCache(t *testing.T) {
	c := newTokenCodec(bytes.Repeat([]byte{7}, 32))
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
