// Package openswf holds openswf's vocabulary: the records a workflow service keeps (domains, types,
// executions, activity tasks, history events, timers), the errors it classifies, the Clock it reads time from
// and the Store interface every persistence backend implements.
//
// The package depends on the standard library only. The rules that act on these records live in package
// engine; the wire protocols live in packages awsjson and swf; the databases live in packages sqlite and
// postgres.
package openswf
