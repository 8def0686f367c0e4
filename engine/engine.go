package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/openswf/openswf"
)

// Options configure an Engine.
type Options struct {
	// PollHold is how long a long poll waits for a task before it answers empty. It defaults to 55 s, a
	// little under the 60 s read timeout of botocore-based clients.
	PollHold time.Duration
	// DisableTimerLoop stops the engine from firing timers by itself; tests then call FireDue after
	// advancing their clock.
	DisableTimerLoop bool
	// TimerWorkers is how many due timers fire concurrently (their transitions share group commits).
	TimerWorkers int
	// Logger receives operational logs.
	Logger *slog.Logger
	// DisableRetention stops the engine from purging closed executions past their domain's retention
	// period; RetentionInterval is how often it looks (default one minute).
	DisableRetention  bool
	RetentionInterval time.Duration
	// Observer receives the engine's measurements (for metrics); nil means none.
	Observer Observer
	// Deciders are the in-process deciders runs may name (StartWorkflowInput.Decider), by name.
	Deciders map[string]Decider
	// Cluster, when set, says the store is shared with other nodes (cluster.go): the engine fires only the
	// timers whose lease this node holds, and its pollers also look in the store for tasks that other
	// nodes scheduled.
	Cluster openswf.Cluster
}

// Observer receives measurements from the engine's hot paths. Implementations must be cheap and safe for
// concurrent use.
type Observer interface {
	// Heartbeat counts an accepted heartbeat.
	Heartbeat()
	// TimerFired reports a timer acted on, of the given kind, lateness after its deadline. Timers that find
	// nothing to do (the task closed, a heartbeat moved the deadline) are not reported.
	TimerFired(kind openswf.TimerKind, lateness time.Duration)
}

type noObserver struct{}

func (noObserver) Heartbeat()                                  {}
func (noObserver) TimerFired(openswf.TimerKind, time.Duration) {}

const (
	defaultPollHold = 55 * time.Second
	// maxOpenActivities, maxOpenTimers are SWF's per-execution limits.
	maxOpenActivities = 1000
	maxOpenTimers     = 1000
	maxDomainTags     = 50
	maxPageSize       = 1000
	maxConflictRetry  = 64
	// maxHistoryEvents is SWF's limit on one run's history; a run that reaches it is terminated.
	maxHistoryEvents = 25000
	// maxDialectHistoryEvents bounds the history of a run decided in-process.
	maxDialectHistoryEvents = 4 * maxHistoryEvents
	// historyReserve is the headroom kept under the limit: a decision list stops, and the run is
	// terminated, once fewer ids than this remain, so that no transition's events cross the limit.
	historyReserve  = 10
	maxOpenChildren = 1000
)

// Engine applies SWF's rules over a Store.
type Engine struct {
	store  openswf.Store
	clock  openswf.Clock
	opts   Options
	log    *slog.Logger
	tokens *tokenCodec

	matcher  *matcher
	timers   *timerQueue
	registry *registryCache
	runs     *runCache
	lanes    *lanes

	closing chan struct{}
	wg      sync.WaitGroup

	// recovered is what Open loaded, for the start-up log (Recovered).
	recovered Recovered
}

// Recovered counts what Open loaded from the store: the tasks waiting for a worker or decider, put back
// on their task lists, and the durable timers, put back in the timer queue.
type Recovered struct {
	PendingTasks, Timers int
}

// Recovered reports what Open loaded.
func (e *Engine) Recovered() Recovered { return e.recovered }

// New returns an engine over store, reading time from clock. Call Open before use.
func New(store openswf.Store, clock openswf.Clock, opts Options) *Engine {
	if opts.PollHold <= 0 {
		opts.PollHold = defaultPollHold
	}
	if opts.TimerWorkers <= 0 {
		opts.TimerWorkers = 16
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Observer == nil {
		opts.Observer = noObserver{}
	}
	return &Engine{
		store:    store,
		clock:    clock,
		opts:     opts,
		log:      opts.Logger,
		matcher:  newMatcher(),
		registry: newRegistryCache(),
		runs:     newRunCache(),
		lanes:    newLanes(),
		timers:   newTimerQueue(),
		closing:  make(chan struct{}),
	}
}

// Open loads the token keys, refills the task lists and the timer queue from the store, and starts firing
// timers. Deadlines that passed while the server was down fire at once.
func (e *Engine) Open(ctx context.Context) error {
	ring, err := loadKeyRing(ctx, e.store, e.clock.Now())
	if err != nil {
		return fmt.Errorf("load token keys: %w", err)
	}
	e.tokens = newTokenCodec(ring)
	e.tokens.reload = func() (keyRing, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return loadKeyRing(ctx, e.store, e.clock.Now())
	}
	if err := e.store.LoadPendingTasks(ctx, func(p openswf.PendingTask) error {
		e.matcher.add(p)
		e.recovered.PendingTasks++
		return nil
	}); err != nil {
		return fmt.Errorf("load pending tasks: %w", err)
	}
	// On a shared store, the timers come with their partitions' leases (AddTimers).
	if e.opts.Cluster == nil {
		if err := e.store.LoadTimers(ctx, func(t openswf.Timer) error {
			e.timers.push(t.TimerKey, t.Due)
			e.recovered.Timers++
			return nil
		}); err != nil {
			return fmt.Errorf("load timers: %w", err)
		}
	}
	if !e.opts.DisableTimerLoop {
		e.wg.Add(1)
		go e.timerLoop()
	}
	if !e.opts.DisableRetention {
		e.wg.Add(1)
		go e.retentionLoop()
	}
	return nil
}

// PollHold is how long a long poll waits for a task, Options.PollHold or its default: the HTTP server in
// front of the engine must give a poll this long to answer before it times out a response.
func (e *Engine) PollHold() time.Duration { return e.opts.PollHold }

// Close stops the timer loop and releases waiting pollers. It does not close the store.
func (e *Engine) Close() error {
	select {
	case <-e.closing:
	default:
		close(e.closing)
	}
	e.matcher.closeAll()
	e.wg.Wait()
	return nil
}

// errStale tells an update function that the thing it was asked to act on moved on; it is not an error
// for the caller.
var errStale = errors.New("stale")

// txn collects one transition while an update function decides it. others are transitions of other runs
// decided alongside (a signalled run, a child, a parent, a new run) that commit atomically with it.
type txn struct {
	e      *Engine
	ctx    context.Context
	x      *openswf.Execution
	now    time.Time
	tr     openswf.Transition
	others []*txn
	err    error // set by steps that cannot return one; aborts the commit
	// attempt counts the conflicts that made update decide this transition again.
	attempt int
	// after-commit effects
	tasks []openswf.PendingTask
	// newActs holds the activities scheduled in this transaction (they are not in the store yet), and
	// closed those closed in it: several callers' transitions may touch one activity in one batch.
	newActs map[int64]bool
	closed  map[int64]bool
	// decide is set when a run with an in-process decider needs a decision (its history grew); commit runs
	// the decider. deciding is set while the decider's own decisions are applied.
	decide, deciding bool
}

// backoff sleeps a random time that grows with the attempt, up to about 10 ms. It is wall-clock time on
// purpose: it spreads real contenders, and never decides anything.
func backoff(ctx context.Context, attempt int) {
	d := time.Duration(mrand.Int64N(int64(min(attempt, 10))*int64(time.Millisecond)) + 1)
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// other returns the transaction of another run decided in this one, loading the run once.
func (t *txn) other(runID string) (*txn, error) {
	if runID == t.x.RunID {
		return t, nil
	}
	for _, o := range t.others {
		if o.x.RunID == runID {
			return o, nil
		}
	}
	x, err := t.e.store.GetRun(t.ctx, runID)
	if err != nil {
		return nil, err
	}
	x.Version++
	o := &txn{e: t.e, ctx: t.ctx, x: x, now: t.now}
	t.others = append(t.others, o)
	return o, nil
}

// created registers a new run decided in this transaction.
func (t *txn) created(x *openswf.Execution) *txn {
	o := &txn{e: t.e, ctx: t.ctx, x: x, now: t.now, tr: openswf.Transition{Create: true}}
	t.others = append(t.others, o)
	return o
}

// stepErr is the error a step of the transaction, or of a run decided alongside, set instead of
// returning it.
func (t *txn) stepErr() error {
	if t.err != nil {
		return t.err
	}
	for _, o := range t.others {
		if o.err != nil {
			return o.err
		}
	}
	return nil
}

// commit applies the transition (with those of the other runs decided alongside) and then publishes its
// effects: new tasks to the task lists and new deadlines to the timer queue.
func (e *Engine) commit(ctx context.Context, t *txn) error {
	if err := t.stepErr(); err != nil {
		return err
	}
	t.runDeciders(ctx) // may add runs (a child started by an in-process decision)
	if err := t.stepErr(); err != nil {
		return err
	}
	all := append([]*txn{t}, t.others...)
	for _, o := range all {
		o.limitHistory()
		o.tr.Execution = o.x
		o.tr.Tasks = o.tasks
	}
	for _, o := range t.others {
		t.tr.Also = append(t.tr.Also, &o.tr)
	}
	if err := e.store.Apply(ctx, &t.tr); err != nil {
		return err
	}
	for _, o := range all {
		e.runs.put(o.x)
	}
	for _, o := range all {
		for _, tm := range o.tr.PutTimers {
			if e.firesTimersOf(tm.RunID) {
				e.timers.push(tm.TimerKey, tm.Due)
			}
		}
		for _, p := range o.tasks {
			e.matcher.add(p)
		}
	}
	return nil
}

// historyFull reports whether the run's history has reached the headroom under SWF's limit.
func (t *txn) historyFull() bool {
	limit := int64(maxHistoryEvents)
	if t.x.Decider != "" {
		// A run decided in-process records its dialect's events beside the engine's own (a Step Functions
		// activity task is six events here for three there): its dialect applies its own limit to its
		// own events (Step Functions' 25,000), and this one only bounds what the store keeps.
		limit = maxDialectHistoryEvents
	}
	return t.x.NextEventID > limit-historyReserve
}

// limitHistory terminates a run whose history reached SWF's limit of 25,000 events.
func (t *txn) limitHistory() {
	if !t.x.Open || !t.historyFull() {
		return
	}
	t.event(openswf.EventWorkflowExecutionTerminated, openswf.WorkflowExecutionTerminatedAttributes{
		ChildPolicy: t.x.ChildPolicy, Cause: "EVENT_LIMIT_EXCEEDED",
	})
	t.closeExecution(openswf.CloseTerminated, closeDetail{})
}

// event appends an event with the given attributes and returns its id.
func (t *txn) event(typ openswf.EventType, attrs any) int64 {
	raw, err := json.Marshal(attrs)
	if err != nil {
		// The attribute structs are plain data; this cannot fail.
		panic(fmt.Sprintf("marshal %s attributes: %v", typ, err))
	}
	id := t.x.NextEventID
	t.x.NextEventID++
	t.tr.Events = append(t.tr.Events, openswf.HistoryEvent{ID: id, Time: t.now, Type: typ, Attributes: raw})
	if t.x.Decider != "" && !t.deciding {
		t.decide = true
	}
	return id
}

func (t *txn) putTimer(kind openswf.TimerKind, id int64, due time.Time) {
	t.tr.PutTimers = append(t.tr.PutTimers, openswf.Timer{
		TimerKey: openswf.TimerKey{RunID: t.x.RunID, Kind: kind, ID: id},
		Domain:   t.x.Domain,
		Due:      due,
	})
}

// deleteTimer disarms a timer, including one armed earlier in this transition (the store deletes before it
// puts, so a put followed by a delete must not reach it).
func (t *txn) deleteTimer(kind openswf.TimerKind, id int64) {
	k := openswf.TimerKey{RunID: t.x.RunID, Kind: kind, ID: id}
	t.tr.PutTimers = slices.DeleteFunc(t.tr.PutTimers, func(tm openswf.Timer) bool { return tm.TimerKey == k })
	t.tr.DeleteTimers = append(t.tr.DeleteTimers, k)
}

// activity returns an open activity task of the run as this transition has it: scheduled, started or
// closed earlier in it (by this caller or another of its batch), else as stored. A task closed in it is
// ErrNotFound.
func (t *txn) activity(ctx context.Context, sched int64) (*openswf.ActivityTask, error) {
	if t.closed[sched] {
		return nil, openswf.ErrNotFound
	}
	for _, a := range t.tr.PutActivities {
		if a.ScheduledID == sched {
			return a, nil
		}
	}
	return t.e.store.GetActivity(ctx, t.x.RunID, sched)
}

// putActivity puts an activity task whole: a new one (created: not stored yet), or a change of
// one this transition already puts, which it replaces.
func (t *txn) putActivity(a *openswf.ActivityTask, created bool) {
	if created {
		if t.newActs == nil {
			t.newActs = map[int64]bool{}
		}
		t.newActs[a.ScheduledID] = true
	}
	for i, p := range t.tr.PutActivities {
		if p.ScheduledID == a.ScheduledID {
			t.tr.PutActivities[i] = a
			return
		}
	}
	t.tr.PutActivities = append(t.tr.PutActivities, a)
}

// scheduleDecision makes sure a decision task follows the events just added: it schedules one if none is
// open, or remembers to schedule one when the started one closes.
func (t *txn) scheduleDecision() {
	x := t.x
	if !x.Open {
		return
	}
	if x.Decider != "" {
		// Decided inside the server, in this very transition (commit): no decision task.
		t.decide = true
		return
	}
	switch {
	case x.Decision.Started():
		x.PendingDecision = true
		return
	case x.Decision.Scheduled():
		return
	}
	id := t.event(openswf.EventDecisionTaskScheduled, openswf.DecisionTaskScheduledAttributes{
		TaskList:            openswf.TaskList{Name: x.TaskList},
		TaskPriority:        x.TaskPriority,
		StartToCloseTimeout: x.TaskStartToClose,
	})
	x.Decision = openswf.DecisionTaskState{
		ScheduledID:  id,
		TaskList:     x.TaskList,
		Priority:     x.TaskPriority,
		StartToClose: x.TaskStartToClose,
		ScheduledAt:  t.now,
	}
	x.PendingDecision = false
	t.tasks = append(t.tasks, openswf.PendingTask{
		Kind: openswf.TaskDecision, Domain: x.Domain, TaskList: x.TaskList, RunID: x.RunID,
		ScheduledID: id, Priority: parsePriority(x.TaskPriority), ScheduledAt: t.now,
	})
}

// closeDetail is what a closing run reports to its parent.
type closeDetail struct {
	Result, Reason, Details, TimeoutType string
	// ChildPolicy overrides the run's child policy (TerminateWorkflowExecution may).
	ChildPolicy string
	// parentClosing is set when the parent itself is closing in this transaction and needs no report.
	parentClosing bool
}

// closeExecution closes the run with the given status and abandons everything still open in it: activity
// tasks (their tokens stop working), timers and the decision task. It reports the close to an open parent
// and applies the child policy to open children.
func (t *txn) closeExecution(status string, d closeDetail) {
	x := t.x
	x.Open = false
	x.CloseStatus = status
	x.ClosedAt = t.now
	for id, sched := range x.Activities {
		t.closeActivity(&openswf.ActivityTask{ActivityID: id, ScheduledID: sched}, -1)
	}
	x.Activities = nil
	x.CancelRequests = nil
	for _, tm := range x.Timers {
		t.deleteTimer(openswf.TimerUser, tm.StartedEventID)
	}
	x.Timers = nil
	if x.Decision.ScheduledID != 0 {
		t.deleteTimer(openswf.TimerDecisionStartToClose, x.Decision.ScheduledID)
	}
	x.Decision = openswf.DecisionTaskState{}
	x.PendingDecision = false
	t.deleteTimer(openswf.TimerWorkflowStartToClose, 0)
	if x.Parent != nil && !d.parentClosing && status != openswf.CloseContinuedAsNew {
		t.reportToParent(status, d)
	}
	policy := pick(d.ChildPolicy, x.ChildPolicy)
	for init, c := range x.Children {
		t.applyChildPolicy(policy, init, c)
	}
	x.Children = nil
}

func (t *txn) deleteActivityTimers(sched int64) {
	t.deleteTimer(openswf.TimerActivityScheduleToStart, sched)
	t.deleteTimer(openswf.TimerActivityScheduleToClose, sched)
	t.deleteTimer(openswf.TimerActivityStartToClose, sched)
	t.deleteTimer(openswf.TimerActivityHeartbeat, sched)
}

// closeActivity removes an open activity task from the run, guarded by the heartbeat count it was decided
// on (negative: unguarded).
func (t *txn) closeActivity(a *openswf.ActivityTask, heartbeats int64) {
	t.tr.PutActivities = slices.DeleteFunc(t.tr.PutActivities, func(p *openswf.ActivityTask) bool { return p.ScheduledID == a.ScheduledID })
	if t.newActs[a.ScheduledID] {
		// Scheduled in this very transition: it never reaches the store or a task list.
		t.tasks = slices.DeleteFunc(t.tasks, func(p openswf.PendingTask) bool {
			return p.Kind == openswf.TaskActivity && p.ScheduledID == a.ScheduledID
		})
	} else {
		// Stored (perhaps started in this transition, which is then put no more): its row goes.
		t.tr.CloseActivities = append(t.tr.CloseActivities, openswf.ActivityClose{ScheduledID: a.ScheduledID, Heartbeats: heartbeats})
	}
	if t.closed == nil {
		t.closed = map[int64]bool{}
	}
	t.closed[a.ScheduledID] = true
	t.deleteActivityTimers(a.ScheduledID)
	delete(t.x.Activities, a.ActivityID)
	delete(t.x.CancelRequests, a.ScheduledID)
}
