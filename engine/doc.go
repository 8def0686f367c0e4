// Package engine holds openswf's rules: registration of domains and types, workflow executions and their
// histories, decision tasks and the decisions they return, the activity task lifecycle with heartbeats and
// cancellation, every timeout, user timers, and the matching of tasks to long-polling workers.
//
// The engine decides and the store persists: each request queues in its run's lane (lane.go); the
// requests waiting there are decided together on the run's latest record, building one
// openswf.Transition (events, the new execution record, activity and timer rows) that Store.Apply commits
// under a version check; on a conflict (another node, or a transition that reached the run from another
// run's) the engine reloads and decides again. The engine reads time only from its openswf.Clock, so tests
// drive every timeout with a manual clock.
//
// The engine speaks no wire protocol: its requests are plain structs that each API fills in from its own
// wire shapes, and its errors are classified openswf.Error values. A request member that breaks a rule is
// reported as its path, the constraint and the value (openswf.InvalidMember), never as an API's sentence:
// each API words its own messages. Task tokens carry their domain, so that an API can authorise a token's
// operation on it (Engine.TokenDomain) without reading the run.
//
// Lock order: lanes.mu, runCache.mu, registryCache.mu, timerQueue.mu and matcher.mu are leaves; no code
// path holds two of them, and none is held while deciding or committing a transition.
package engine
