// Package engine holds openswf's rules: registration of domains and types, workflow executions and their
// histories, decision tasks and the decisions they return, the activity task lifecycle with heartbeats and
// cancellation, every timeout, user timers, and the matching of tasks to long-polling workers.
//
// The engine decides and the store persists: each request loads an execution, builds an
// openswf.Transition (events, the new execution record, activity and timer rows) and hands it to
// Store.Apply, which commits it under a version check; on a conflict the engine reloads and decides again.
// The engine reads time only from its openswf.Clock, so tests drive every timeout with a manual clock.
//
// Lock order: Engine.mu (timer queue) and each taskList.mu are leaves; no code path holds two of them.
package engine
