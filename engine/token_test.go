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
