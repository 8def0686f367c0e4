package engine

import (
	"bytes"
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
	f.Add(c.taskToken(purposeDecision, taskRef{RunID: "abcdefghijklmnopqrstuvwxyz012345", ScheduledID: 1 << 40, StartedID: 3}))
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := c.parseTaskToken(purposeActivity, s)
		if err != nil {
			return
		}
		// Anything accepted must re-seal to the same token: only tokens this key issued parse.
		if again := c.taskToken(purposeActivity, ref); again != s {
			t.Fatalf("accepted a token the codec did not issue: %q (reissued %q)", s, again)
		}
	})
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
