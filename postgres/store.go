package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openswf/openswf"
)

// Defaults of Options.
const (
	// DefaultWriters is how many transactions of batched writes a store has in flight at once.
	DefaultWriters = 4
	// DefaultHeartbeatWriters is how many multi-row heartbeat updates a store has in flight at once.
	DefaultHeartbeatWriters = 2
	// DefaultMaxBatch is the most writes committed in one transaction. It stays under 64, the number of
	// subtransactions (savepoints that wrote) PostgreSQL tracks per transaction before other sessions'
	// snapshots must look each one up on disk.
	DefaultMaxBatch = 48
	// DefaultMaxHeartbeatBatch is the most heartbeats one statement records.
	DefaultMaxHeartbeatBatch = 1000
	// DefaultPoolSize is the least size of the connection pool: the writers' and heartbeat writers'
	// connections and a few for reads.
	DefaultPoolSize = 16
)

// ErrClosed is what writes report once Close has begun.
var ErrClosed = errors.New("postgres store closed")

// Options tunes a Store. The zero value is ready to use.
type Options struct {
	// PoolSize caps the connections the store opens; at least Writers + HeartbeatWriters + 2, and
	// DefaultPoolSize if zero or less. A pool_max_conns parameter in the URL is overridden.
	PoolSize int
	// Writers, HeartbeatWriters, MaxBatch and MaxHeartbeatBatch: see their defaults.
	Writers, HeartbeatWriters   int
	MaxBatch, MaxHeartbeatBatch int
	// Observer receives the writers' measurements; nil means none.
	Observer Observer
	// NodeID names this node to the others sharing the database (leases, notices); a random id when empty.
	// It must differ between nodes that run at once.
	NodeID string
}

// Observer receives measurements from the store's writers. Implementations must be cheap and safe for
// concurrent use.
type Observer interface {
	// Commit reports a transaction of ops writes committed (or tried) in d.
	Commit(ops int, d time.Duration)
}

// RetryObserver is an Observer that also counts the transactions the store ran again after a deadlock
// or serialization failure, and the writes it answered as unavailable.
type RetryObserver interface {
	StoreRetry(reason string)
}

type noObserver struct{}

func (noObserver) Commit(int, time.Duration) {}

// Stats counts the store's work since Open.
type Stats struct {
	// Batches and Ops count the writers' transactions and the writes they carried.
	Batches, Ops int64
	// HeartbeatBatches and Heartbeats count the heartbeat writers' statements and the heartbeats they
	// recorded.
	HeartbeatBatches, Heartbeats int64
	// Retries counts transactions run again after a deadlock or serialization failure.
	Retries int64
	// RoundTrips counts the statements and pipelines sent to the database by the writers.
	RoundTrips int64
}

// Store is openswf.Store on PostgreSQL. Its methods are safe for concurrent use, and several Stores, in
// one process or many, may share one database.
type Store struct {
	pool *pgxpool.Pool
	opts Options
	obs  Observer

	// mu guards closed against writes being queued: a sender holds it shared while it sends, so that
	// Close, holding it exclusively, knows no send is under way when it closes the queues.
	mu      sync.RWMutex
	closed  bool
	writers []chan *op
	hbs     []chan *hbOp
	wg      sync.WaitGroup

	closeOnce sync.Once
	// closing is canceled when Close begins: it ends the notices' listener.
	closing context.Context
	cancel  context.CancelFunc
	// channel is the notices' LISTEN/NOTIFY channel (notify.go).
	channel string

	batches, nops, hbBatches, nhbs, retries, roundTrips atomic.Int64
}

var _ openswf.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value connection string), brings its
// schema up to date and starts the writers. The schema lives in the connection's search_path (a
// search_path parameter in the URL chooses one).
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if opts.Writers <= 0 {
		opts.Writers = DefaultWriters
	}
	if opts.HeartbeatWriters <= 0 {
		opts.HeartbeatWriters = DefaultHeartbeatWriters
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.MaxHeartbeatBatch <= 0 {
		opts.MaxHeartbeatBatch = DefaultMaxHeartbeatBatch
	}
	if opts.PoolSize <= 0 {
		opts.PoolSize = DefaultPoolSize
	}
	opts.PoolSize = max(opts.PoolSize, opts.Writers+opts.HeartbeatWriters+2)
	if opts.Observer == nil {
		opts.Observer = noObserver{}
	}
	if opts.NodeID == "" {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("open postgres store: node id: %w", err)
		}
		opts.NodeID = "node-" + hex.EncodeToString(b[:])
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message repeats the URL, password included; say what is wrong without it.
		return nil, fmt.Errorf("open postgres store: cannot parse the database URL: %w", errors.Unwrap(err))
	}
	cfg.MaxConns = int32(min(opts.PoolSize, math.MaxInt32))
	cfg.MinConns = int32(min(opts.Writers+opts.HeartbeatWriters, math.MaxInt32))
	cfg.HealthCheckPeriod = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres store: connect to %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port,
			cfg.ConnConfig.Database, err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	var schema string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	s := &Store{pool: pool, opts: opts, obs: opts.Observer, channel: noticeChannelPrefix + schema}
	s.closing, s.cancel = context.WithCancel(context.Background())
	for range opts.Writers {
		ch := make(chan *op, opts.MaxBatch)
		s.writers = append(s.writers, ch)
		s.wg.Add(1)
		go s.runWriter(ch)
	}
	for range opts.HeartbeatWriters {
		ch := make(chan *hbOp, opts.MaxHeartbeatBatch)
		s.hbs = append(s.hbs, ch)
		s.wg.Add(1)
		go s.runHeartbeats(ch)
	}
	return s, nil
}

// NodeID is the id this node goes by among those sharing the database.
func (s *Store) NodeID() string { return s.opts.NodeID }

// Pool returns the store's connection pool, for what shares the database with it (notifications, leases).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Stats reports the store's counters.
func (s *Store) Stats() Stats {
	return Stats{
		Batches: s.batches.Load(), Ops: s.nops.Load(),
		HeartbeatBatches: s.hbBatches.Load(), Heartbeats: s.nhbs.Load(),
		Retries: s.retries.Load(), RoundTrips: s.roundTrips.Load(),
	}
}

// Health reports nil when the store holds or can open a connection to the database, the error otherwise.
func (s *Store) Health(ctx context.Context) error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	if err := s.pool.Ping(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}

// Close stops accepting writes, commits the ones already queued, stops the writers and closes the pool. It
// is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		for _, ch := range s.writers {
			close(ch)
		}
		for _, ch := range s.hbs {
			close(ch)
		}
		s.mu.Unlock()
		s.cancel()
		s.wg.Wait()
		s.pool.Close()
	})
	return nil
}

// shard picks the queue of key among n.
func shard(key string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

// nanos encodes t for a time column: Unix nanoseconds, NULL for the zero time.
func nanos(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}

// storable reports whether t fits a time column: the zero time where zeroOK (it is stored as NULL), or a
// time whose Unix nanoseconds fit an int64.
func storable(t time.Time, zeroOK bool) bool {
	if t.IsZero() {
		return zeroOK
	}
	return !t.Before(minTime) && !t.After(maxTime)
}

// The range of time.Unix(0, n) for an int64 n.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// clampNanos is t's Unix nanoseconds, clamped to what an int64 holds (for bounds in queries).
func clampNanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return minTime.UnixNano()
	case t.After(maxTime):
		return maxTime.UnixNano()
	}
	return t.UnixNano()
}

// fromNanos decodes a time column written by nanos. UTC, so that the same instant always reads back the
// same.
func fromNanos(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return time.Unix(0, *n).UTC()
}

// rowsLimit turns a caller's limit into SQL's: zero or less means no limit (LIMIT NULL).
func rowsLimit(limit int) *int64 {
	if limit <= 0 {
		return nil
	}
	n := int64(limit)
	return &n
}
