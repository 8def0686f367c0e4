package openswf

import (
	"context"
	"time"
)

// TimerKind names what a durable timer guards.
type TimerKind string

// The kinds of durable timer.
const (
	TimerActivityScheduleToStart TimerKind = "activity.schedule-to-start"
	TimerActivityScheduleToClose TimerKind = "activity.schedule-to-close"
	TimerActivityStartToClose    TimerKind = "activity.start-to-close"
	TimerActivityHeartbeat       TimerKind = "activity.heartbeat"
	TimerDecisionStartToClose    TimerKind = "decision.start-to-close"
	TimerDecisionScheduleToStart TimerKind = "decision.schedule-to-start"
	TimerWorkflowStartToClose    TimerKind = "workflow.start-to-close"
	TimerUser                    TimerKind = "user"
)

// TimerKey identifies a timer: the run, the kind, and the id of the event that armed it (the activity's
// or decision's scheduled event id, the TimerStarted event id, 0 for the execution's own timeout).
type TimerKey struct {
	RunID string
	Kind  TimerKind
	ID    int64
}

// Timer is a durable deadline. Firing is idempotent: the engine re-reads the state when a timer is due and
// does nothing if the deadline moved or the thing it guards has closed.
type Timer struct {
	TimerKey
	Domain string
	Due    time.Time
}

// TaskKind tells activity tasks from decision tasks in task lists.
type TaskKind string

// The two kinds of task handed to pollers.
const (
	TaskActivity TaskKind = "activity"
	TaskDecision TaskKind = "decision"
)

// PendingTask is a task waiting in a task list for a poller, as the store reports it at start-up.
type PendingTask struct {
	Kind        TaskKind
	Domain      string
	TaskList    string
	RunID       string
	ScheduledID int64
	Priority    int32
	ScheduledAt time.Time
}

// OpenTaskCounts is how many tasks are open across all domains, by kind and state.
type OpenTaskCounts struct {
	// ActivityScheduled counts activity tasks waiting for a worker; ActivityStarted those a worker holds.
	ActivityScheduled, ActivityStarted int
	// DecisionScheduled counts runs whose decision task waits for a decider. Decision tasks a decider holds
	// are not counted: the store indexes only waiting ones, and reading every open run's state to find the
	// others would cost a metric far more than it is worth.
	DecisionScheduled int
}

// ActivityClose closes an open activity task within a transition. Heartbeats is the heartbeat count the
// engine decided on; if a heartbeat arrived since, the transition conflicts and the engine decides again.
// A negative Heartbeats skips that check.
type ActivityClose struct {
	ScheduledID int64
	Heartbeats  int64
}

// Transition is one atomic change of one execution, decided by the engine and committed by Store.Apply.
type Transition struct {
	// Execution is the new state. Its Version must be one more than the stored one (Apply reports
	// ErrConflict otherwise), or 1 with Create set.
	Execution *Execution
	// Create inserts a new execution; Apply reports ErrExists if the workflow id has an open run in the
	// domain.
	Create bool
	// Events are appended to the history; their ids continue the execution's.
	Events []HistoryEvent
	// PutActivities inserts or replaces open activity tasks whole, heartbeat state included. The engine puts
	// an activity only when it schedules and when it starts it, before any heartbeat can exist; later changes
	// go through CancelActivities, CloseActivities and RecordHeartbeat, which never lose a heartbeat.
	PutActivities []*ActivityTask
	// CancelActivities marks started activity tasks so that their next heartbeat answers cancelRequested.
	CancelActivities []int64
	// CloseActivities removes activity tasks that closed.
	CloseActivities []ActivityClose
	// PutTimers arms durable timers (replacing a timer of the same key).
	PutTimers []Timer
	// DeleteTimers disarms timers; deleting an absent timer is not an error.
	DeleteTimers []TimerKey
	// Tasks are the tasks this transition puts in task lists (activity tasks scheduled, a decision task
	// scheduled). A store that several nodes share announces them when the transition commits, so that
	// pollers waiting on other nodes hear of them; a store of one node ignores them.
	Tasks []PendingTask
	// PutTimers' deadlines are announced the same way, to the node that fires the run's timers.
	//
	// Fence, when set, makes the transition commit only while the node that decided it still holds the
	// timer lease it names; otherwise Apply reports ErrFenced and changes nothing. Timer firings carry
	// it, so that a node that lost its lease (paused, cut off from the database) cannot act on a deadline
	// another node now owns.
	Fence *Fence
	// Also holds transitions of other executions that commit atomically with this one (a signal to another
	// run, a child started or closed, a run continued as new). Each is checked and applied as if alone; if
	// any reports an error, nothing of the whole group is stored. Also of a nested transition is ignored.
	Also []*Transition
}

// Fence names a timer lease: the partition of runs whose timers it covers, the node that holds it, and the
// epoch at which that node took it. Each take of a lease increments its epoch.
type Fence struct {
	Partition int
	Owner     string
	Epoch     int64
}

// TimerPartitions is the number of partitions of runs whose timers nodes sharing a store lease: a run's
// partition is TimerPartition(runID).
const TimerPartitions = 64

// TimerPartition is the timer partition of a run: FNV-1a of its run id, modulo TimerPartitions.
func TimerPartition(runID string) int {
	h := uint32(2166136261)
	for i := 0; i < len(runID); i++ {
		h ^= uint32(runID[i])
		h *= 16777619
	}
	return int(h % TimerPartitions)
}

// Cluster is what an engine needs of the nodes it shares a store with. A node of its own has none.
type Cluster interface {
	// TimerFence reports whether this node fires the timers of runID now and, if so, the lease its
	// transitions must carry.
	TimerFence(runID string) (Fence, bool)
}

// Store persists openswf's records. Implementations carry no SWF rules: the engine decides, the store
// commits. Every method is safe for concurrent use. Lookups of absent records report ErrNotFound.
type Store interface {
	// CreateDomain registers a domain; ErrExists if the name is taken (in any status).
	CreateDomain(ctx context.Context, d *Domain) error
	// GetDomain returns a domain by name.
	GetDomain(ctx context.Context, name string) (*Domain, error)
	// UpdateDomain replaces a registered domain's record.
	UpdateDomain(ctx context.Context, d *Domain) error
	// ListDomains lists domains of one status ordered by name (descending when reverse), after the name
	// after (exclusive; "" for the start), at most limit.
	ListDomains(ctx context.Context, status RegistrationStatus, after string, limit int, reverse bool) ([]*Domain, error)

	// CreateType registers a type; ErrExists if (domain, kind, name, version) is taken.
	CreateType(ctx context.Context, t *TypeRecord) error
	// GetType returns one registered type.
	GetType(ctx context.Context, domain string, kind TypeKind, name, version string) (*TypeRecord, error)
	// UpdateType replaces a registered type's record.
	UpdateType(ctx context.Context, t *TypeRecord) error
	// DeleteType removes a registered type.
	DeleteType(ctx context.Context, domain string, kind TypeKind, name, version string) error
	// ListTypes lists types ordered by (name, version).
	ListTypes(ctx context.Context, q TypeListQuery) ([]*TypeRecord, error)

	// GetExecution returns one run. The single-run reads (GetExecution, GetRun, GetOpenExecution) fill
	// Execution.Activities from the run's open activity tasks; ListExecutions leaves it empty.
	GetExecution(ctx context.Context, domain, workflowID, runID string) (*Execution, error)
	// GetRun returns a run by its run id alone (run ids are unique across domains); task tokens name runs.
	GetRun(ctx context.Context, runID string) (*Execution, error)
	// GetOpenExecution returns the open run of a workflow id.
	GetOpenExecution(ctx context.Context, domain, workflowID string) (*Execution, error)
	// History returns up to limit events of a run: ids greater than after in ascending order, or, when
	// reverse, ids less than after (0 meaning from the end) in descending order.
	History(ctx context.Context, runID string, after int64, limit int, reverse bool) ([]HistoryEvent, error)
	// GetActivity returns an open activity task with its heartbeat state.
	GetActivity(ctx context.Context, runID string, scheduledID int64) (*ActivityTask, error)
	// ListActivities returns the open activity tasks of a run.
	ListActivities(ctx context.Context, runID string) ([]*ActivityTask, error)
	// ListOpenActivities lists the open activity tasks q selects, with their heartbeat state as recorded,
	// at most q.Limit, in q's order. It reads committed state only and never waits for writes.
	ListOpenActivities(ctx context.Context, q ActivityQuery) ([]*ActivityTask, error)

	// Apply commits a transition atomically, or reports ErrConflict / ErrExists and changes nothing.
	Apply(ctx context.Context, tr *Transition) error
	// RecordHeartbeat records a heartbeat on a started activity task: it stores details (nil keeps the
	// previous ones), the time, and counts the heartbeat. It reports whether cancellation was requested, or
	// ErrNotFound if no open task of that run has that scheduled and started event id.
	RecordHeartbeat(ctx context.Context, runID string, scheduledID, startedID int64, details *string, at time.Time) (cancelRequested bool, err error)

	// FindPendingTasks returns up to limit tasks waiting for a poller on a task list, for a node whose
	// pollers wait on a list that other nodes schedule tasks on: the highest priority first, then (roughly)
	// the oldest.
	FindPendingTasks(ctx context.Context, kind TaskKind, domain, taskList string, limit int) ([]PendingTask, error)
	// CountPendingTasks counts tasks waiting for a poller on a task list.
	CountPendingTasks(ctx context.Context, kind TaskKind, domain, taskList string) (int, error)
	// LoadPendingTasks calls fn for every task waiting for a poller (at start-up, to fill task lists).
	LoadPendingTasks(ctx context.Context, fn func(PendingTask) error) error
	// LoadTimers calls fn for every armed timer (at start-up, to fill the timer queue).
	LoadTimers(ctx context.Context, fn func(Timer) error) error
	// CountOpenTasks counts the open tasks of every domain by kind and state, for metrics. It may read an
	// index entry per open activity task, so callers bound it with ctx and call it seldom.
	CountOpenTasks(ctx context.Context) (OpenTaskCounts, error)

	// Secret returns the named server secret, creating it with create on first use.
	Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error)
	// UpdateSecret replaces the named secret with what update makes of its current value (nil and false
	// when there is none), atomically: two updates at once see each other's result, never the same value.
	// It returns the value stored; an error of update changes nothing. update may be called more than once
	// (a store may run a write again), so it must depend on old only.
	UpdateSecret(ctx context.Context, name string, update func(old []byte, ok bool) ([]byte, error)) ([]byte, error)

	// ListExecutions lists the runs q selects in q's order, at most q.Limit. A run's workflow id, type and
	// tag list are indexed as they were when the run was created (they never change); its open state, close
	// status and times as of its latest transition.
	ListExecutions(ctx context.Context, q ExecutionQuery) ([]*Execution, error)
	// CountExecutions counts the runs q selects, at most q.Limit of them when it is positive; q.After and
	// q.Reverse are ignored.
	CountExecutions(ctx context.Context, q ExecutionQuery) (int, error)
	// PurgeClosed deletes up to limit closed runs of a domain that closed before closedBefore, oldest
	// first, with everything stored for them (history, activity tasks, timers, tags), in one atomic step,
	// and reports how many it deleted. Open runs are never deleted.
	PurgeClosed(ctx context.Context, domain string, closedBefore time.Time, limit int) (int, error)

	// Close releases the store.
	Close() error
}

// ActivityState selects activity tasks by state in an ActivityQuery.
type ActivityState string

// The states of an open activity task.
const (
	ActivityScheduled ActivityState = "scheduled" // waiting for a worker
	ActivityStarted   ActivityState = "started"   // held by a worker
)

// ActivityQuery selects open activity tasks: those of a run (RunID), or of a domain (Domain), each perhaps
// narrowed to one task list and one state. A run's tasks are ordered by scheduled event id; a domain's by
// task list, run id and scheduled event id.
type ActivityQuery struct {
	// RunID, when set, selects one run's tasks; Domain is then ignored.
	RunID  string
	Domain string
	// TaskList, when set, selects one task list's tasks.
	TaskList string
	// State, when set, selects tasks in that state.
	State ActivityState
	// After, when not nil, lists past that position in the query's order (of a run's tasks, only
	// ScheduledID counts).
	After *ActivityCursor
	// Limit caps the tasks listed; zero or less means no cap.
	Limit int
}

// ActivityCursor is a keyset position in a list of activity tasks: the last task listed.
type ActivityCursor struct {
	TaskList    string
	RunID       string
	ScheduledID int64
}

// TimeRange bounds a time on both sides, both inclusive; a zero bound leaves that side open.
type TimeRange struct {
	Oldest time.Time
	Latest time.Time
}

// ExecutionCursor is a keyset position in a list of executions: the ordering time and the run id of the
// last run listed.
type ExecutionCursor struct {
	Time  time.Time
	RunID string
}

// ExecutionQuery selects runs of one domain for the visibility operations. Every filter set must hold.
// Runs are ordered by start time, or by close time when ByCloseTime, then by run id; descending unless
// Reverse.
type ExecutionQuery struct {
	Domain string
	// Open selects open runs; closed runs otherwise.
	Open bool
	// StartTime and CloseTime bound the runs' start and close times.
	StartTime TimeRange
	CloseTime TimeRange
	// ByCloseTime orders by close time (closed runs only) instead of start time.
	ByCloseTime bool
	// WorkflowID, when set, selects the runs of one workflow id.
	WorkflowID string
	// TypeName, when set, selects the runs of one workflow type; TypeVersion, when also set, of one version.
	TypeName    string
	TypeVersion string
	// Tag, when not nil, selects the runs whose tag list holds it (the empty tag is a tag).
	Tag *string
	// CloseStatus, when set, selects closed runs of that close status.
	CloseStatus string
	// After, when not nil, lists past that position in the requested order.
	After *ExecutionCursor
	// Limit caps the runs listed, or counted by CountExecutions; zero or less means no cap.
	Limit   int
	Reverse bool
}
