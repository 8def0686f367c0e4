// Package postgres is openswf.Store on PostgreSQL, for one node or several sharing one database.
//
// It keeps the SQLite store's shape (package sqlite): the same tables, the rest of each record as JSON,
// times as Unix nanoseconds. What differs is how writes reach the database:
//
//   - Transitions and the other writes go through a few writer goroutines, each with a queue of its own.
//     A write goes to the queue its run (or record) hashes to, so that the writes of one run stay in order
//     on one connection and never wait for each other's row locks. A writer takes what its queue holds, up
//     to Options.MaxBatch, and commits it in one transaction (group commit): the batch pays one commit, and
//     each write in it one round trip, its statements sent together as a pipeline.
//   - Heartbeats go through a heartbeat writer that folds every heartbeat queued into one UPDATE of many
//     rows, in a transaction of its own. A heartbeat is in the database before it is answered, so that any
//     node can serve the task's next heartbeat or its timeout.
//   - Deadlocks and serialization failures are retried inside the store: the batch runs again. A lost
//     connection fails the writes in flight with openswf.ErrUnavailable, which the APIs answer as a
//     retryable fault, and the pool opens new connections by itself.
//
// Reads run on the pool, outside the writers. The schema is created and migrated at Open, under an advisory
// lock, so that nodes starting at once are safe.
package postgres
