// Package sqlite implements openswf.Store on SQLite, through modernc.org/sqlite (pure Go, no cgo), for
// the single-node deployment: one file, or an in-memory database for tests and throwaway servers.
//
// # Durability
//
// The database runs in WAL mode with synchronous=FULL: a commit returns only after its WAL frames are
// fsynced, so a write acknowledged to a caller survives kill -9 of the process and a power cut. A heartbeat
// is acknowledged only after its journal record is fdatasynced, which gives it the same guarantee. Foreign
// keys are off (the engine keeps the records consistent; the schema has none to check).
//
// # Group commit
//
// A durable commit costs an fsync, and an fsync costs about as much for one row as for a thousand. A server
// that committed each write on its own would be bound by fsyncs per second; so every write — Apply,
// RecordHeartbeat, domain and type registration, secret creation — is an op sent over a channel to one
// writer goroutine. Heartbeats take no SQL statement: they go to the heartbeat journal, synced by a goroutine
// of its own and folded into the activities table from time to time (heartbeats.go). The writer takes the first op, drains whatever else is already queued (up to
// Options.MaxBatch), runs them all in one transaction, commits once, and only then answers every op. If
// the COMMIT fails, every op of the batch gets the error. Under light load a batch holds one op and the
// latency is one commit; under heavy load batches grow and throughput follows, with no timer waiting for
// company.
//
// An op that fails (openswf.ErrConflict, ErrExists, ErrNotFound) takes back its own changes only, and the
// batch goes on. Ops of several steps run inside a SAVEPOINT of their own and roll back to it. Ops whose
// only possible sentinel error comes from their first changing statement, when it changed nothing — a
// registration, a transition that closes and cancels no activity — run bare: a savepoint would cost two
// more statements and a copy of every page they touch.
// Should a bare op fail any other way (a broken invariant, a full disk), the writer cannot know what it
// left behind, so it rolls the transaction back, answers that op, and runs the rest of the batch again,
// each op in a savepoint.
//
// A caller's context bounds only its wait for a place in the queue. Once queued, an op may commit, so the
// caller waits for the answer instead of guessing.
//
// # One writer
//
// SQLite lets one connection write at a time; several writing connections would only queue on the file
// lock, each paying its own fsync, and a deferred transaction that read before writing could fail outright
// (SQLITE_BUSY) when its lock could not be upgraded. So one connection, owned by the writer goroutine,
// does all writes, and each batch begins with BEGIN IMMEDIATE, which takes the write lock up front: a
// transaction never fails to upgrade its lock half-way. The writer's statements are prepared once on that
// connection (modernc.org/sqlite v1.38 still compiles a statement's SQL at each execution, which is most
// of a heartbeat's cost; prepared handles leave any future caching to the driver).
//
// Reads go to a separate pool of query_only connections. In WAL mode readers see the last commit and
// neither wait for the writer nor make it wait, so reads scale with the pool while writes are batched.
//
// # In memory
//
// The path ":memory:" opens a named shared-cache in-memory database, unique to the Store, so that the
// writer and the readers see the same data. It has no WAL: there readers and the writer take turns on
// table locks, which the driver waits out with sqlite3_unlock_notify. It lives until Close.
//
// # Groups of transitions
//
// A transition with Also (a parent and the child it starts, a run and the one it continues as) is one op:
// its transitions run in order inside the op's savepoint, so that an error in any of them rolls back all.
// Only a lone transition that closes and cancels no activity runs bare.
//
// # Visibility and retention
//
// The executions table keeps in columns what the visibility operations filter and order on: open, start
// and close time, close status, workflow id and type; tags live in execution_tags, written with the run.
// A run's type and tags never change, so only its creation writes them; a transition of a run that stays
// open sets no indexed column at all (SQLite then leaves those indexes untouched), and only the closing
// transition moves the run between the open and closed indexes. Lists page by keyset on (time, run id),
// never by offset. PurgeClosed deletes a batch of expired runs with their events, activities, timers and
// tags in one op, so that the retention sweep never holds the writer for long.
//
// # Schema
//
// The schema is embedded as numbered scripts in migrations/ and applied at Open, in one transaction,
// recorded in the schema_version table. Tables keep in columns what queries filter and order on, and the
// rest of each record as JSON. Times are integer Unix nanoseconds (NULL for the zero time) and read back
// in UTC: equal (time.Time.Equal) to what was written. The SQL carries no SWF rules: the version check of
// Apply, the one-open-run index and the heartbeat count check are the store's whole judgement.
package sqlite
