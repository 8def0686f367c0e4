package engine_test

import (
	"context"
	"encoding/base64"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// TokenDomain names the domain of the run a real task token came from, activity or decision, and refuses
// whatever the engine did not issue; a version 1 token, from before tokens carried the domain, still
// answers, from the run.
func TestEngine_TokenDomain(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	decision := h.pollDecision()
	h.respond(decision, schedule("a1"))
	activity := h.pollActivity()

	for name, tok := range map[string]string{"activity": activity.TaskToken, "decision": decision.TaskToken} {
		got, err := h.eng.TokenDomain(h.ctx, tok)
		if err != nil || got != domain {
			t.Errorf("%s token: TokenDomain = %q, %v; want %q", name, got, err, domain)
		}
	}

	// The domain comes from the token, not from the run: an engine on the same store (so the same key)
	// that counts the store's reads of runs tells a current token's domain without one. A version 1 token
	// names no domain, so TokenDomain reads its run.
	counting := &runReadCounter{Store: h.store}
	e2 := engine.New(counting, h.clock, engine.Options{DisableTimerLoop: true, DisableRetention: true})
	h.must(e2.Open(h.ctx))
	defer e2.Close()
	if got, err := e2.TokenDomain(h.ctx, activity.TaskToken); err != nil || got != domain || counting.reads.Load() != 0 {
		t.Errorf("TokenDomain = %q, %v after %d reads of runs; want %q after none", got, err, counting.reads.Load(), domain)
	}
	legacy := h.eng.LegacyTaskToken(activity.TaskToken)
	if legacy == activity.TaskToken {
		t.Fatal("the legacy token is the current one: the test would prove nothing")
	}
	if got, err := e2.TokenDomain(h.ctx, legacy); err != nil || got != domain || counting.reads.Load() != 1 {
		t.Errorf("version 1 token: TokenDomain = %q, %v after %d reads of runs; want %q after one", got, err, counting.reads.Load(), domain)
	}
	if _, err := h.eng.Heartbeat(h.ctx, legacy, nil); err != nil {
		t.Errorf("heartbeat with a version 1 token: %v", err)
	}

	raw, err := base64.RawURLEncoding.DecodeString(activity.TaskToken)
	h.must(err)
	// The domain's bytes sit right after the version, purpose, key id and three one-byte varints; "d" → "e"
	// would move the token to another domain if the MAC did not cover it.
	if raw[6] != 'd' {
		t.Fatalf("token layout: byte 6 is %q, want the domain's first byte", raw[6])
	}
	otherDomain := append([]byte(nil), raw...)
	otherDomain[6] = 'e'
	evs, history, err := h.eng.History(h.ctx, engine.HistoryInput{Domain: domain,
		Execution: openswf.WorkflowExecution{WorkflowID: "w", RunID: runID}, PageSize: 1})
	h.must(err)
	if len(evs) != 1 || history == "" {
		t.Fatalf("history page: %d events, next %q; want a page token", len(evs), history)
	}
	for name, tok := range map[string]string{
		"empty":          "",
		"garbage":        "not a token",
		"altered domain": base64.RawURLEncoding.EncodeToString(otherDomain),
		"altered MAC":    activity.TaskToken[:len(activity.TaskToken)-1] + flip(activity.TaskToken[len(activity.TaskToken)-1]),
		"truncated":      activity.TaskToken[:len(activity.TaskToken)-3],
		"forged":         base64.RawURLEncoding.EncodeToString(append([]byte{2, 'a', 1, 1, 1, 'd'}, strings.Repeat("x", 48)...)),
		"history page":   history,
		"with a newline": activity.TaskToken + "\n",
	} {
		got, err := h.eng.TokenDomain(h.ctx, tok)
		if err == nil || openswf.KindOf(err) != openswf.KindUnknownResource {
			t.Errorf("%s token: TokenDomain = %q, %v; want UnknownResource", name, got, err)
		}
	}
}

// flip returns a base64url character other than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// runReadCounter is a store that counts GetRun calls.
type runReadCounter struct {
	openswf.Store
	reads atomic.Int64
}

func (s *runReadCounter) GetRun(ctx context.Context, runID string) (*openswf.Execution, error) {
	s.reads.Add(1)
	return s.Store.GetRun(ctx, runID)
}
