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
