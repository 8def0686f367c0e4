// Package asl is the Amazon States Language of AWS Step Functions as a library with no I/O: JSONPath as
// Step Functions evaluates it, payload templates and intrinsic functions, the data flow of a state's
// input and output, the parsing and validation of definitions, Choice rules, and an interpreter that turns
// what happened outside an execution into Step Functions history events and actions for the engine.
//
// Only QueryLanguage JSONPath and Standard workflows are supported; a definition asking for JSONata (or a
// distributed Map) is refused with a diagnostic saying it is not supported yet.
//
// # Definitions
//
// Parse reads and validates a definition; its error is a *DefinitionError whose Error() is the message of
// AWS's InvalidDefinition ("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: … at /States/S'").
// Validate returns the same findings as Diagnostics for ValidateStateMachineDefinition.
//
// # The interpreter
//
// The interpreter is pure and deterministic, driven from outside:
//
//	x, step, err := m.Start(ctx, env, now)   // ExecutionStarted, then run until something outside is awaited
//	step, err = m.Apply(x, env, input, now)  // one outside happening; x changes in place
//
// Execution is the durable state of one execution: the engine stores it (it marshals to JSON) with the
// run after every step, and passes it back to the next Apply. It holds no history. Each Step carries
// history events, numbered densely from 1 by the interpreter and linked by previousEventId as AWS links
// them, and actions for the engine: ScheduleActivity and StartTask start a task (identified by a TaskID
// unique within the execution: "<state-entered event id>.<retry count>"), CancelTask withdraws one,
// StartTimer and CancelTimer manage timers (Wait states, Retry intervals, and the machine's
// TimeoutSeconds as ExecutionTimeoutTimer), and Close ends the execution. The engine reports back with
// an Input: TaskStarted, TaskSubmitted, TaskSucceeded, TaskFailed, TaskTimedOut (the engine enforces
// the TimeoutSeconds and HeartbeatSeconds of the actions), TimerFired, Stop or TimedOut. An input for a
// task or timer that is no longer open gets ErrUnknownTask, one after the end ErrClosed; neither changes
// the Execution.
//
// Given the same Execution, Env, Input and time, Apply decides the same Step: nothing reads the wall
// clock, maps are walked in sorted order, and randomness (retry jitter, States.UUID, States.MathRandom)
// comes from sources seeded by the execution's ARN, the line of states, the state entry and the attempt.
// Parallel branches and Map iterations run concurrently within the Execution, as lines of states each
// waiting for its own task or timer.
//
// # Values
//
// JSON values are held as nil, bool, string, json.Number (the number's text, exactly as written), []any
// and *Object (members in insertion order, as Step Functions writes them); ParseJSON and EncodeJSON
// convert them.
package asl
