package worker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeService is a backend that logs its calls in order and holds each heartbeat in flight until the test
// answers it or its context ends.
type fakeService struct {
	mu      sync.Mutex
	log     []string
	inBeat  int // heartbeats in flight
	beating chan struct{}
	answers chan answer
}

func (f *fakeService) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.log...)
}

func (f *fakeService) poll(context.Context, string) (*Task, error) { return nil, nil }
func (f *fakeService) heartbeatTimeout(context.Context, *Task) (time.Duration, error) {
	return 0, nil
}
func (f *fakeService) heartbeatDetails() int       { return swfHeartbeatDetailsMax }
func (f *fakeService) checkResult(string) *Failure { return nil }

func (f *fakeService) heartbeat(ctx context.Context, _ *Task, _ *string) (bool, error) {
	f.mu.Lock()
	f.inBeat++
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inBeat--
		f.mu.Unlock()
	}()
	select {
	case f.beating <- struct{}{}:
	default:
	}
	select {
	case a := <-f.answers:
		return a.cancelRequested, a.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// answerCall logs an answer, and whether a heartbeat was in flight as it went.
func (f *fakeService) answerCall(what string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.inBeat > 0 {
		what += " (heartbeat in flight)"
	}
	f.log = append(f.log, what)
	return nil
}

func (f *fakeService) complete(_ context.Context, _ *Task, result string) error {
	return f.answerCall("complete " + result)
}
func (f *fakeService) fail(_ context.Context, _ *Task, fl *Failure) error {
	return f.answerCall("fail " + fl.Error())
}
func (f *fakeService) canceled(context.Context, *Task, string) error { return f.answerCall("canceled") }

// runTask runs one task through the worker's execute with handler h, and returns what the service saw.
func runTask(t *testing.T, f *fakeService, h Handler) []string {
	t.Helper()
	w := newWorker(f, h, []Option{WithHeartbeatInterval(50 * time.Millisecond)})
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.execute(context.Background(), &Task{Token: "tok"})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the task did not end")
	}
	return f.calls()
}

// A handler that returns while a heartbeat is in flight: the heartbeat ends first, and the result is
// sent, whole and once.
func TestExecute_ResultAfterHeartbeatInFlight(t *testing.T) {
	f := &fakeService{beating: make(chan struct{}, 1), answers: make(chan answer)}
	got := runTask(t, f, func(ctx context.Context, task *Task) (string, error) {
		task.Heartbeat("half")
		select {
		case <-f.beating:
		case <-time.After(5 * time.Second):
			return "", errors.New("no heartbeat sent")
		}
		return "all done", nil
	})
	if want := []string{"complete all done"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the service saw %q, want %q", got, want)
	}
}

// A heartbeat answered with a cancel request while the handler finishes: the handler's result wins, and
// is sent as a completion, not a cancellation.
func TestExecute_ResultWinsOverCancelRequest(t *testing.T) {
	f := &fakeService{beating: make(chan struct{}, 1), answers: make(chan answer)}
	got := runTask(t, f, func(ctx context.Context, task *Task) (string, error) {
		task.Heartbeat("half")
		select {
		case <-f.beating:
		case <-time.After(5 * time.Second):
			return "", errors.New("no heartbeat sent")
		}
		f.answers <- answer{cancelRequested: true}
		<-ctx.Done()
		if !errors.Is(context.Cause(ctx), ErrCancelRequested) {
			return "", fmt.Errorf("cause %v, want ErrCancelRequested", context.Cause(ctx))
		}
		return "finished anyway", nil
	})
	if want := []string{"complete finished anyway"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the service saw %q, want %q", got, want)
	}
}

// hungPolls is a backend whose first poll never answers (a connection that hung) and whose second hands
// out a task.
type hungPolls struct {
	fakeService
	polls int
}

func (h *hungPolls) poll(ctx context.Context, _ string) (*Task, error) {
	h.mu.Lock()
	h.polls++
	n := h.polls
	h.mu.Unlock()
	if n == 1 {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if n == 2 {
		return &Task{Token: "tok"}, nil
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// A poll that gets no answer is given up after its bound and polled again, rather than holding its poller
// for good.
func TestPoller_HungPollRetried(t *testing.T) {
	h := &hungPolls{fakeService: fakeService{beating: make(chan struct{}, 1), answers: make(chan answer)}}
	done := make(chan string, 1)
	w := newWorker(h, func(context.Context, *Task) (string, error) {
		done <- "ran"
		return "ok", nil
	}, []Option{withPollTimeout(50 * time.Millisecond), WithBackoff(Backoff{Initial: time.Millisecond, Max: time.Millisecond})})
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- w.Run(ctx) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the task after a hung poll never ran")
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
