package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

// A callback token names an activity task by its run and activity id rather than by the attempt a poller
// was handed: an in-process decider knows it before the task is scheduled (a Step Functions Task of the
// callback pattern passes it to the outside as $$.Task.Token), and the task is started in the transition
// that schedules it (ScheduleActivityTaskAttributes.StartedBy). The operations on activity tasks accept it
// as they accept a task token; it resolves, with one read of the run, to whichever task of that activity
// id is open then.
//
// Layout before base64url: version(1) purpose(1) key id(1) uvarint(len domain) domain uvarint(len run id)
// run id activity id | mac(16), sealed like a page token (token.go); version 1 tokens, from before the key
// ring, have no key id. The same arguments give the same text as long as the signing key stays the same: a
// decider that computes the token again after a rotation gets another text, and both open.
const purposeCallback byte = 'c'

// callbackRef is what a callback token names.
type callbackRef struct {
	Domain, RunID, ActivityID string
}

// CallbackToken returns the callback token of the activity task with the given id in a run. It is the same
// text for the same arguments, so a decider may compute it while deciding.
func (e *Engine) CallbackToken(domain, runID, activityID string) string {
	p := binary.AppendUvarint(nil, uint64(len(domain)))
	p = append(p, domain...)
	p = binary.AppendUvarint(p, uint64(len(runID)))
	p = append(p, runID...)
	p = append(p, activityID...)
	return e.tokens.seal(purposeCallback, p)
}

func (e *Engine) openCallback(token string) (callbackRef, error) {
	p, err := e.tokens.open(purposeCallback, token)
	if err != nil {
		return callbackRef{}, errBadToken
	}
	var parts [2]string
	for i := range parts {
		n, k := binary.Uvarint(p)
		if k <= 0 || n > uint64(len(p)-k) {
			return callbackRef{}, errBadToken
		}
		parts[i], p = string(p[k:k+int(n)]), p[k+int(n):]
	}
	if parts[1] == "" || len(p) == 0 {
		return callbackRef{}, errBadToken
	}
	return callbackRef{Domain: parts[0], RunID: parts[1], ActivityID: string(p)}, nil
}

// taskRef opens the token of an activity task, a task token or a callback token. A callback token
// resolves to the task of its activity id open now, which must have started.
func (e *Engine) taskRef(ctx context.Context, token string) (taskRef, error) {
	if e.tokens.taskPurpose(token) != purposeCallback {
		return e.activityRef(token)
	}
	cb, err := e.openCallback(token)
	if err != nil {
		return taskRef{}, unknown("Unknown or invalid task token")
	}
	gone := unknown("Unknown activity task: it is closed, timed out or was never started")
	x, err := e.store.GetRun(ctx, cb.RunID)
	if errors.Is(err, openswf.ErrNotFound) {
		return taskRef{}, gone
	}
	if err != nil {
		return taskRef{}, fmt.Errorf("read the run of a callback token: %w", err)
	}
	sched, ok := x.Activities[cb.ActivityID]
	if !x.Open || !ok {
		return taskRef{}, gone
	}
	a, err := e.store.GetActivity(ctx, cb.RunID, sched)
	if errors.Is(err, openswf.ErrNotFound) || (err == nil && a.StartedID == 0) {
		return taskRef{}, gone
	}
	if err != nil {
		return taskRef{}, fmt.Errorf("read the task of a callback token: %w", err)
	}
	return taskRef{RunID: cb.RunID, ScheduledID: sched, StartedID: a.StartedID, Domain: cb.Domain}, nil
}
