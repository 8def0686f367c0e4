package engine

// QueuedTransitions reports how many transitions wait in the run's lane behind the batch being decided
// or committed, for tests that line callers up in a known order.
func (e *Engine) QueuedTransitions(runID string) int {
	e.lanes.mu.Lock()
	defer e.lanes.mu.Unlock()
	if l := e.lanes.runs[runID]; l != nil {
		return len(l.waiting)
	}
	return 0
}

// LegacyTaskToken re-seals a task token as tokens were sealed before they carried their domain (version
// 1), for tests that hold the engine to opening them after an upgrade.
func (e *Engine) LegacyTaskToken(token string) string {
	purpose := e.tokens.taskPurpose(token)
	ref, err := e.tokens.parseTaskToken(purpose, token)
	if err != nil {
		panic(err)
	}
	return legacyTaskToken(e.tokens, purpose, ref)
}
