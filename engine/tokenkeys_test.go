package engine_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// keyID is the key id a token of version 3 names.
func keyID(t *testing.T, token string) int {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < 3 || b[0] != 3 {
		t.Fatalf("token %q is not of version 3", token)
	}
	return int(b[2])
}

// keyIDs lists the ids of a ring's keys, oldest first, and the signing key's.
func keyIDs(keys []engine.TokenKey) (ids []int, signing int) {
	for _, k := range keys {
		ids = append(ids, k.ID)
		if k.Signing {
			signing = k.ID
		}
	}
	return ids, signing
}

// Rotation adds a key that signs from the next start on; the tokens of open tasks and the page tokens
// sealed before it still open; once retired, a key's tokens no longer do, and the keys kept still verify.
func TestEngine_TokenKeyRotation(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), schedule("a1"))
	before := h.pollActivity()
	legacy := h.eng.LegacyTaskToken(before.TaskToken)
	page := func(token string) (string, error) {
		_, next, err := h.eng.History(h.ctx, engine.HistoryInput{Domain: domain,
			Execution: openswf.WorkflowExecution{WorkflowID: "w", RunID: runID}, PageSize: 1, NextPageToken: token})
		return next, err
	}
	pageBefore, err := page("")
	h.must(err)
	if keyID(t, before.TaskToken) != 0 || keyID(t, pageBefore) != 0 {
		t.Fatalf("tokens before rotation name keys %d and %d, want 0", keyID(t, before.TaskToken), keyID(t, pageBefore))
	}

	keys, err := engine.RotateTokenKeys(h.ctx, h.store, h.clock.Now(), engine.RotateOptions{})
	h.must(err)
	if ids, signing := keyIDs(keys); len(ids) != 2 || signing != 1 {
		t.Fatalf("ring after rotation: %v signing %d; want [0 1] signing 1", ids, signing)
	}
	// A running engine keeps its keys until it starts again.
	if _, err := h.eng.Heartbeat(h.ctx, before.TaskToken, nil); err != nil {
		t.Errorf("heartbeat before the restart: %v", err)
	}
	h.reopen()

	if _, err := h.eng.Heartbeat(h.ctx, before.TaskToken, nil); err != nil {
		t.Errorf("heartbeat with a token of the old key: %v", err)
	}
	if _, err := h.eng.Heartbeat(h.ctx, legacy, nil); err != nil {
		t.Errorf("heartbeat with a version 1 token: %v", err)
	}
	if _, err := page(pageBefore); err != nil {
		t.Errorf("history page with a token of the old key: %v", err)
	}
	h.start("w2")
	after := h.pollDecision()
	pageAfter, err := page("")
	h.must(err)
	if keyID(t, after.TaskToken) != 1 || keyID(t, pageAfter) != 1 {
		t.Errorf("tokens after rotation name keys %d and %d, want 1", keyID(t, after.TaskToken), keyID(t, pageAfter))
	}

	// A day later, a rotation that retires keys replaced a day ago or more drops key 0 only.
	h.clock.Advance(25 * time.Hour)
	keys, err = engine.RotateTokenKeys(h.ctx, h.store, h.clock.Now(), engine.RotateOptions{Retire: 24 * time.Hour})
	h.must(err)
	if ids, signing := keyIDs(keys); len(ids) != 2 || ids[0] != 1 || signing != 2 {
		t.Fatalf("ring after retiring: %v signing %d; want [1 2] signing 2", ids, signing)
	}
	h.reopen()
	for name, tok := range map[string]string{"key 0": before.TaskToken, "version 1": legacy} {
		if _, err := h.eng.Heartbeat(h.ctx, tok, nil); openswf.KindOf(err) != openswf.KindUnknownResource {
			t.Errorf("heartbeat with a token of a retired key (%s): %v, want UnknownResource", name, err)
		}
	}
	if _, err := h.eng.TokenDomain(h.ctx, before.TaskToken); err == nil {
		t.Error("TokenDomain opened a token of a retired key")
	}
	if _, err := page(pageBefore); err == nil {
		t.Error("history page with a token of a retired key: no error")
	}
	if _, err := page(pageAfter); err != nil {
		t.Errorf("history page with a token of key 1, kept: %v", err)
	}
	h.respond(after, complete("done"))
}

// Retiring alone adds no key, and needs an age; the signing key is never retired, however old.
func TestRotateTokenKeys_RetireOnly(t *testing.T) {
	h := newHarness(t)
	if _, err := engine.RotateTokenKeys(h.ctx, h.store, h.clock.Now(), engine.RotateOptions{RetireOnly: true}); err == nil {
		t.Error("retire only without an age: no error")
	}
	_, err := engine.RotateTokenKeys(h.ctx, h.store, h.clock.Now(), engine.RotateOptions{})
	h.must(err)
	h.clock.Advance(time.Hour)
	keys, err := engine.RotateTokenKeys(h.ctx, h.store, h.clock.Now(), engine.RotateOptions{Retire: time.Minute, RetireOnly: true})
	h.must(err)
	if ids, signing := keyIDs(keys); len(ids) != 1 || signing != 1 {
		t.Fatalf("ring after retiring: %v signing %d; want [1] signing 1", ids, signing)
	}
	listed, err := engine.TokenKeys(h.ctx, h.store, h.clock.Now())
	h.must(err)
	if ids, _ := keyIDs(listed); len(ids) != 1 || ids[0] != 1 {
		t.Errorf("TokenKeys: %v, want [1]", ids)
	}
}
