package engine

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/openswf/openswf"
)

// matcher hands tasks to long-polling workers. It is fed by committed transitions (and at start-up by the
// store) and keeps, per task list, the tasks waiting for a poller and the pollers waiting for a task. A task
// handed out is only a candidate: the poller still commits the …Started transition, which fails harmlessly
// if another node or a timeout got there first, so nothing is handed out twice.
type matcher struct {
	mu     sync.Mutex
	lists  map[listKey]*taskList
	closed bool
}

type listKey struct {
	kind     openswf.TaskKind
	domain   string
	taskList string
}

type taskList struct {
	tasks   taskHeap
	waiters []*waiter
	seq     uint64
}

type waiter struct {
	ch chan openswf.PendingTask // buffered 1
}

func newMatcher() *matcher { return &matcher{lists: map[listKey]*taskList{}} }

func (m *matcher) list(k listKey) *taskList {
	l := m.lists[k]
	if l == nil {
		l = &taskList{}
		m.lists[k] = l
	}
	return l
}

// add offers a task: to a waiting poller if there is one, else to the list.
func (m *matcher) add(p openswf.PendingTask) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.list(listKey{p.Kind, p.Domain, p.TaskList})
	if len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters = l.waiters[1:]
		w.ch <- p
		return
	}
	l.seq++
	heap.Push(&l.tasks, queued{PendingTask: p, seq: l.seq})
}

// take returns a list's next task without waiting.
func (m *matcher) take(k listKey) (openswf.PendingTask, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.lists[k]
	if m.closed || l == nil || l.tasks.Len() == 0 {
		return openswf.PendingTask{}, false
	}
	return heap.Pop(&l.tasks).(queued).PendingTask, true
}

// signal wakes up to n pollers waiting on a list with a zero task, which tells them to look in the store
// (cluster.go). Nothing is queued for pollers that come later: they look in the store before they wait.
func (m *matcher) signal(k listKey, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.lists[k]
	if l == nil {
		return
	}
	for n > 0 && len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters = l.waiters[1:]
		w.ch <- openswf.PendingTask{}
		n--
	}
}

// signalAll wakes every waiting poller of every list to look in the store.
func (m *matcher) signalAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, l := range m.lists {
		for _, w := range l.waiters {
			w.ch <- openswf.PendingTask{}
		}
		l.waiters = nil
	}
}

// poll returns the next task of a list, waiting up to hold. ok is false if none came. A zero task (no
// run id) is a signal to look in the store.
func (m *matcher) poll(ctx context.Context, k listKey, hold time.Duration, after func(time.Duration) (<-chan time.Time, func())) (openswf.PendingTask, bool) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return openswf.PendingTask{}, false
	}
	l := m.list(k)
	if l.tasks.Len() > 0 {
		q := heap.Pop(&l.tasks).(queued)
		m.mu.Unlock()
		return q.PendingTask, true
	}
	w := &waiter{ch: make(chan openswf.PendingTask, 1)}
	l.waiters = append(l.waiters, w)
	m.mu.Unlock()

	timeout, stop := after(hold)
	defer stop()
	select {
	case p, ok := <-w.ch:
		return p, ok
	case <-ctx.Done():
	case <-timeout:
	}
	// Leave the list; a task handed over in the meantime goes back to it.
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, o := range l.waiters {
		if o == w {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			break
		}
	}
	select {
	case p, ok := <-w.ch:
		if ok && p.RunID != "" { // a signal is not kept
			l.seq++
			heap.Push(&l.tasks, queued{PendingTask: p, seq: l.seq})
		}
	default:
	}
	return openswf.PendingTask{}, false
}

// closeAll releases every waiting poller empty-handed.
func (m *matcher) closeAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	for _, l := range m.lists {
		for _, w := range l.waiters {
			close(w.ch)
		}
		l.waiters = nil
	}
}

// queued orders tasks by priority (higher first), then by age (scheduled time), then by arrival; a task
// put back after a failed start keeps its place because its scheduled time does not change.
type queued struct {
	openswf.PendingTask
	seq uint64
}

type taskHeap []queued

func (h taskHeap) Len() int { return len(h) }
func (h taskHeap) Less(i, j int) bool {
	if h[i].Priority != h[j].Priority {
		return h[i].Priority > h[j].Priority
	}
	if !h[i].ScheduledAt.Equal(h[j].ScheduledAt) {
		return h[i].ScheduledAt.Before(h[j].ScheduledAt)
	}
	return h[i].seq < h[j].seq
}
func (h taskHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *taskHeap) Push(x any)   { *h = append(*h, x.(queued)) }
func (h *taskHeap) Pop() any {
	old := *h
	q := old[len(old)-1]
	*h = old[:len(old)-1]
	return q
}
