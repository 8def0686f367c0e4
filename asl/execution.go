package asl

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Execution is the interpreter's durable state of one execution: JSON-serialisable (the engine stores it
// with the run after every step) and small (no history in it). Callers treat its contents as opaque.
type Execution struct {
	Context Context `json:"context"`
	// NextEventID is the id the next history event gets.
	NextEventID int64 `json:"nextEventId"`
	// Closed is set once the execution has ended.
	Closed bool `json:"closed,omitempty"`
	// Threads are the running lines of states: the top level, each Parallel branch and each Map
	// iteration in progress, by id.
	Threads map[string]*Thread `json:"threads"`
}

// Thread is one line of states being run (the top level, a Parallel branch or a Map iteration): where it
// is and what it waits for. It is bookkeeping of the interpreter, exported only so that Execution
// serialises.
type Thread struct {
	ID        string    `json:"id"`
	Parent    string    `json:"parent,omitempty"`
	Index     int       `json:"index"`
	Scope     string    `json:"scope"`
	State     string    `json:"state,omitempty"`
	Input     string    `json:"input,omitempty"` // the raw input of the current state, JSON text
	Entered   int64     `json:"entered,omitempty"`
	EnteredAt time.Time `json:"enteredAt"`
	Last      int64     `json:"last"`            // id of the thread's latest event, for previousEventId
	Phase     string    `json:"phase,omitempty"` // see the phase constants
	TaskID    string    `json:"taskId,omitempty"`
	TimerID   string    `json:"timerId,omitempty"`
	Resource  *resource `json:"resource,omitempty"`

	Attempts   []int `json:"attempts,omitempty"` // per retrier, within this state entry
	RetryCount int   `json:"retryCount,omitempty"`

	// Parallel and Map.
	Children  []string   `json:"children,omitempty"`
	Results   []string   `json:"results,omitempty"`   // JSON text per branch or item; "" while unfinished
	Items     string     `json:"items,omitempty"`     // Map: the items array, JSON text (older states)
	ItemTexts []string   `json:"itemTexts,omitempty"` // Map: each item, JSON text, parsed only when it starts
	NextItem  int        `json:"nextItem,omitempty"`
	Running   int        `json:"running,omitempty"`
	Done      int        `json:"done,omitempty"`
	Failures  int        `json:"failures,omitempty"`
	MaxConc   int        `json:"maxConcurrency,omitempty"`
	Tolerance *tolerance `json:"tolerance,omitempty"`
	Effective string     `json:"effective,omitempty"` // Parallel: the branches' input
}

// tolerance is a Map's resolved ToleratedFailureCount/Percentage.
type tolerance struct {
	Count   int64   `json:"count"`
	Percent float64 `json:"percent"`
	HasCnt  bool    `json:"hasCount"`
	HasPct  bool    `json:"hasPercent"`
}

// Thread phases.
const (
	phaseTask     = "task"     // waiting for a task's outcome
	phaseRetry    = "retry"    // waiting for a retry interval
	phaseWait     = "wait"     // in a Wait state
	phaseChildren = "children" // waiting for Parallel branches or Map iterations
	phasePending  = "pending"  // a branch or iteration not yet started
	phaseAborted  = "aborted"
)

// sortedThreads returns the threads in id order: map order is random, and every decision must be
// deterministic.
func (x *Execution) sortedThreads() []*Thread {
	ids := make([]string, 0, len(x.Threads))
	for id := range x.Threads {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]*Thread, len(ids))
	for i, id := range ids {
		out[i] = x.Threads[id]
	}
	return out
}

// rng returns a random source for one decision, seeded from the execution's ARN and name, the state
// entry and the attempt: a re-run of the same Apply on the same Execution draws the same numbers, which
// keeps States.UUID, States.MathRandom and retry jitter deterministic.
func (x *Execution) rng(th *Thread, salt string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(x.Context.ExecutionArn + "\x00" + x.Context.Name + "\x00" + th.ID + "\x00" + salt))
	return rand.New(rand.NewPCG(h.Sum64(), uint64(th.Entered)<<16|uint64(th.RetryCount)))
}

// taskID names a task by its state entry and attempt: unique within the execution and stable.
func taskID(th *Thread) string {
	return strconv.FormatInt(th.Entered, 10) + "." + strconv.Itoa(th.RetryCount)
}
