package worker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/openswf/openswf/openswftest"
)

// beat is one heartbeat the loop sent: when, and with what details ("-" for none).
type beat struct {
	at      time.Time
	details string
}

// answer is what the fake service answers a heartbeat.
type answer struct {
	cancelRequested bool
	err             error
}

// fakeBeats is a backend whose heartbeats the test answers one by one: each call shows on calls and
// waits for its answer on answers, so that the test can act while a heartbeat is in flight.
type fakeBeats struct {
	backend // only heartbeat and heartbeatDetails are called
	clock   *openswftest.Clock
	calls   chan beat
	answers chan answer
}

func (f *fakeBeats) heartbeat(ctx context.Context, _ *Task, details *string) (bool, error) {
	d := "-"
	if details != nil {
		d = *details
	}
	f.calls <- beat{f.clock.Now(), d}
	select {
	case a := <-f.answers:
		return a.cancelRequested, a.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (f *fakeBeats) heartbeatDetails() int { return swfHeartbeatDetailsMax }

// loop is one task's heartbeat loop on a manual clock, and what the test watches of it.
type loop struct {
	t      *testing.T
	clock  *openswftest.Clock
	fake   *fakeBeats
	task   *Task
	ctx    context.Context // the handler's context
	parked chan time.Time
	done   chan struct{}
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func startLoop(t *testing.T, interval time.Duration) *loop {
	t.Helper()
	l := &loop{t: t, clock: openswftest.NewClock(t0), parked: make(chan time.Time, 16), done: make(chan struct{})}
	l.fake = &fakeBeats{clock: l.clock, calls: make(chan beat, 1), answers: make(chan answer)}
	w := newWorker(l.fake, nil, []Option{
		withClock(l.clock), withParked(func(_ *Task, due time.Time) { l.parked <- due }),
		WithBackoff(Backoff{Initial: 400 * time.Millisecond, Max: 400 * time.Millisecond}),
	})
	l.task = &Task{Token: "tok", HeartbeatInterval: interval}
	ctx, cancel := context.WithCancelCause(context.Background())
	l.ctx = ctx
	hb := w.heartbeater(l.task, cancel)
	l.task.hb = hb
	run, stop := context.WithCancel(context.Background())
	go func() {
		defer close(l.done)
		hb.run(run)
	}()
	t.Cleanup(func() {
		stop()
		<-l.done
		cancel(nil)
	})
	return l
}

// wantParked waits for the loop to wait, and checks until when.
func (l *loop) wantParked(after time.Duration) {
	l.t.Helper()
	select {
	case due := <-l.parked:
		if want := t0.Add(after); !due.Equal(want) {
			l.t.Fatalf("heartbeat loop waits until t0+%v, want t0+%v", due.Sub(t0), after)
		}
	case <-time.After(5 * time.Second):
		l.t.Fatalf("heartbeat loop did not wait for t0+%v", after)
	}
}

// wantBeat waits for the next heartbeat, checks its time and details, and answers it.
func (l *loop) wantBeat(at time.Duration, details string, a answer) {
	l.t.Helper()
	b := l.nextBeat()
	if want := (beat{t0.Add(at), details}); b != want {
		l.t.Fatalf("heartbeat at t0+%v with %q, want at t0+%v with %q", b.at.Sub(t0), b.details, at, details)
	}
	l.fake.answers <- a
}

func (l *loop) nextBeat() beat {
	l.t.Helper()
	select {
	case b := <-l.fake.calls:
		return b
	case <-time.After(5 * time.Second):
		l.t.Fatal("no heartbeat sent")
		return beat{}
	}
}

// The schedule: every interval after the last heartbeat; progress sent a second after the last one at
// the earliest; calls between two heartbeats coalesced, those during a heartbeat in flight sent with the
// next; nothing sent twice.
func TestHeartbeat_ScheduleAndCoalescing(t *testing.T) {
	l := startLoop(t, 10*time.Second)

	l.wantParked(10 * time.Second)
	l.clock.Advance(10 * time.Second)
	l.wantBeat(10*time.Second, "-", answer{})
	l.wantParked(20 * time.Second)

	// Progress 200 ms after a heartbeat waits for the rest of the second.
	l.clock.Advance(200 * time.Millisecond)
	l.task.Heartbeat("a")
	l.wantParked(11 * time.Second)
	l.clock.Advance(800 * time.Millisecond)
	l.wantBeat(11*time.Second, "a", answer{})
	l.wantParked(21 * time.Second)

	// Two calls before the heartbeat they hasten: one heartbeat, the latest details.
	l.task.Heartbeat("b")
	l.wantParked(12 * time.Second)
	l.task.Heartbeat("c")
	l.wantParked(12 * time.Second)
	l.clock.Advance(time.Second)
	l.wantBeat(12*time.Second, "c", answer{})
	l.wantParked(22 * time.Second)

	// Calls while a heartbeat is in flight: no second heartbeat until it is answered, then one with the
	// latest details a second later.
	l.clock.Advance(10 * time.Second)
	b := l.nextBeat()
	if b != (beat{t0.Add(22 * time.Second), "-"}) {
		t.Fatalf("heartbeat at t0+%v with %q, want t0+22s with none", b.at.Sub(t0), b.details)
	}
	l.task.Heartbeat("d")
	l.task.Heartbeat("e")
	select {
	case b := <-l.fake.calls:
		t.Fatalf("a second heartbeat (%q) while one is in flight", b.details)
	default:
	}
	l.fake.answers <- answer{}
	l.wantParked(32 * time.Second) // the schedule, then the wake-up brings it forward
	l.wantParked(23 * time.Second)
	l.clock.Advance(time.Second)
	l.wantBeat(23*time.Second, "e", answer{})
	l.wantParked(33 * time.Second)

	if err := context.Cause(l.ctx); err != nil {
		t.Fatalf("handler context ended (%v) with every heartbeat accepted", err)
	}
}

// Details longer than SWF's 2048 characters are cut to them, on a character boundary.
func TestHeartbeat_DetailsCut(t *testing.T) {
	l := startLoop(t, 10*time.Second)
	l.wantParked(10 * time.Second)
	long := string(make([]rune, 3000)) // 3000 NULs, one byte each
	l.task.Heartbeat("é" + long)
	l.wantParked(time.Second) // the task's start counts as the last contact
	l.clock.Advance(time.Second)
	b := l.nextBeat()
	if got := runes(b.details); got != swfHeartbeatDetailsMax || b.details[:2] != "é" {
		t.Fatalf("details of %d characters starting %q, want %d starting with é", got, b.details[:2], swfHeartbeatDetailsMax)
	}
	l.fake.answers <- answer{}
}

// A heartbeat answered with cancelRequested cancels the handler's context with ErrCancelRequested, and
// heartbeats go on while the handler stops.
func TestHeartbeat_CancelRequested(t *testing.T) {
	l := startLoop(t, 10*time.Second)
	l.wantParked(10 * time.Second)
	l.clock.Advance(10 * time.Second)
	l.wantBeat(10*time.Second, "-", answer{cancelRequested: true})
	l.wantParked(20 * time.Second)
	if err := context.Cause(l.ctx); !errors.Is(err, ErrCancelRequested) {
		t.Fatalf("handler context cause = %v, want ErrCancelRequested", err)
	}
}

// A throttled heartbeat is retried after a backoff no longer than the backoff's cap, with the details it
// carried; a lost task's heartbeat cancels the handler with ErrTaskLost and ends the loop.
func TestHeartbeat_RetryThenLost(t *testing.T) {
	l := startLoop(t, 10*time.Second)
	l.wantParked(10 * time.Second)
	l.task.Heartbeat("p")
	l.wantParked(time.Second)
	l.clock.Advance(time.Second)
	l.wantBeat(time.Second, "p", answer{err: &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}})
	select {
	case due := <-l.parked:
		if wait := due.Sub(t0.Add(time.Second)); wait <= 0 || wait > 400*time.Millisecond {
			t.Fatalf("retry after %v, want within (0, 400ms]", wait)
		}
		l.clock.Advance(due.Sub(l.clock.Now()))
	case <-time.After(5 * time.Second):
		t.Fatal("no retry scheduled")
	}
	b := l.nextBeat()
	if b.details != "p" {
		t.Fatalf("retried heartbeat carries %q, want the details of the one that failed, %q", b.details, "p")
	}
	if err := context.Cause(l.ctx); err != nil {
		t.Fatalf("handler context ended (%v) by a throttled heartbeat", err)
	}
	l.fake.answers <- answer{err: &smithy.GenericAPIError{Code: "UnknownResourceFault", Message: "Unknown activity"}}
	select {
	case <-l.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the heartbeat loop goes on after the task was lost")
	}
	if err := context.Cause(l.ctx); !errors.Is(err, ErrTaskLost) {
		t.Fatalf("handler context cause = %v, want ErrTaskLost", err)
	}
}
