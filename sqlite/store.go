package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openswf/openswf"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

const (
	// DefaultMaxBatch is the most ops the writer commits in one transaction unless Options say otherwise.
	DefaultMaxBatch = 512
	// DefaultReadConns is the least number of read connections unless Options say otherwise.
	DefaultReadConns = 4
)

// busyTimeout bounds how long a connection waits for a lock another process holds. Within one Store the
// single writer never waits for itself, and WAL readers never wait for the writer.
const busyTimeout = 10 * time.Second

// errNotOpened stands for the heartbeats' last fold when Open fails: the journal is kept.
var errNotOpened = errors.New("store not opened")

// ErrClosed is what writes report once Close has begun.
var ErrClosed = errors.New("sqlite store closed")

// Options tunes a Store. The zero value is ready to use.
type Options struct {
	// MaxBatch is the most writes committed in one transaction; DefaultMaxBatch if zero or less.
	MaxBatch int
	// ReadConns is the size of the read connection pool; the larger of DefaultReadConns and GOMAXPROCS if
	// zero or less.
	ReadConns int
	// Observer receives the writer's measurements (batch sizes, commit times); nil means none.
	Observer Observer
	// FoldBytes is the heartbeat journal's length past which the writer folds the heartbeat state into the
	// activities table and starts the journal over (heartbeats.go); DefaultFoldBytes if zero or less.
	FoldBytes int64
}

// Stats counts the writer's work since Open. Ops / Batches is the mean group-commit batch size.
type Stats struct {
	// Batches is the number of transactions the writer committed or tried to commit.
	Batches int64
	// Ops is the number of writes those transactions carried.
	Ops int64
}

// Store is openswf.Store on SQLite. Writes go through one writer goroutine that commits them in groups;
// reads use a pool of read-only connections. Its methods are safe for concurrent use.
type Store struct {
	reader *readerDB // query_only connections for every read, with their statements prepared
	wdb    *sql.DB   // holds the single writer connection
	w      *writer

	// mu guards closed against ops being queued: a writer of ops holds it shared while it sends, so that
	// Close, holding it exclusively, knows no send is under way when it closes the queue.
	mu     sync.RWMutex
	closed bool
	ops    chan *op

	writerDone chan struct{}
	// walFull asks the writer to finish a checkpoint between batches (checkpoint.go).
	walFull atomic.Bool
	// finalFold is the outcome of the writer's last fold of the heartbeat state, at Close.
	finalFold error
	// stopCheckpoints ends the checkpointer; checkpointsDone closes when it has.
	stopCheckpoints, checkpointsDone chan struct{}
	closeOnce                        sync.Once
	closeErr                         error

	batches atomic.Int64
	nops    atomic.Int64
	obs     Observer // only the writer goroutine calls it
}

var _ openswf.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path, brings its schema up to date and starts the writer.
// path is a file name, not a URI; ":memory:" opens a new private in-memory database that lives until
// Close.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = max(DefaultReadConns, runtime.GOMAXPROCS(0))
	}
	base, err := baseURI(path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	common := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(0)", busyTimeout.Milliseconds())

	// The writer: WAL so that readers never block it nor it them, synchronous=FULL so that a commit is on
	// disk (WAL fsynced) before any caller hears of it.
	// It never checkpoints itself: the checkpointer does (checkpoint.go). temp_store=MEMORY keeps the
	// statement journals of a batch's savepoints in memory: by default one that grows past 64 KiB (a batch
	// closing many activity tasks of one run) spills to a temporary file, a write system call per page.
	wdb, err := sql.Open("sqlite", base+"&"+common+"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(67108864)&_pragma=temp_store(2)")
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	conn, err := wdb.Conn(ctx)
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	if err := migrate(ctx, conn); err != nil {
		conn.Close()
		wdb.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	w, err := newWriter(ctx, conn)
	if err != nil {
		conn.Close()
		wdb.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	if opts.FoldBytes <= 0 {
		opts.FoldBytes = DefaultFoldBytes
	}
	if err := w.openHeartbeats(path, opts.FoldBytes); err != nil {
		w.close()
		wdb.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}

	reader, err := sql.Open("sqlite", base+"&"+common+"&_pragma=query_only(1)")
	if err != nil {
		w.closeHeartbeats(errNotOpened)
		w.close()
		wdb.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	reader.SetMaxOpenConns(opts.ReadConns)
	reader.SetMaxIdleConns(opts.ReadConns)
	if err := reader.PingContext(ctx); err != nil {
		reader.Close()
		w.closeHeartbeats(errNotOpened)
		w.close()
		wdb.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}

	ckdb, err := sql.Open("sqlite", base+"&"+common)
	if err != nil {
		reader.Close()
		w.closeHeartbeats(errNotOpened)
		w.close()
		wdb.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	ckdb.SetMaxOpenConns(1)

	s := &Store{
		stopCheckpoints: make(chan struct{}),
		checkpointsDone: make(chan struct{}),
		reader:          newReaderDB(reader),
		wdb:             wdb,
		w:               w,
		ops:             make(chan *op, opts.MaxBatch),
		writerDone:      make(chan struct{}),
		obs:             opts.Observer,
	}
	if s.obs == nil {
		s.obs = noObserver{}
	}
	go s.run(opts.MaxBatch)
	go checkpointer(ckdb, &s.walFull, s.stopCheckpoints, s.checkpointsDone)
	return s, nil
}

// JournalRecordsReplayed is how many heartbeat journal records Open found and folded into the rows: the
// heartbeats acknowledged before the last stop that the rows did not hold yet (0 after a clean stop).
func (s *Store) JournalRecordsReplayed() int { return s.w.replayed }

// baseURI is the SQLite URI of path, ending in a query to which parameters can be appended.
func baseURI(path string) (string, error) {
	switch path {
	case "":
		return "", errors.New("empty path")
	case ":memory:":
		// A plain :memory: database is private to its connection; a named shared-cache one is seen by
		// every connection of this process that names it, and lives while one of them is open (the
		// writer's, until Close). The random name keeps two stores apart.
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		return "file:openswf-" + hex.EncodeToString(b[:]) + "?mode=memory&cache=shared", nil
	}
	// In a URI, '?' and '#' end the path and '%' starts an escape.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?mode=rwc", nil
}

// Health reports whether the store takes writes as it should: nil, or what stops it. A failed heartbeat
// journal stops heartbeats until the writer has recovered it, which it tries by itself every so often
// (heartbeats.go); the error is then a storage fault (openswf.KindUnavailable) when the storage caused it.
// Health writes nothing: a health check that wrote would itself fail on a full disk, and add writes under
// load. A closed store reports ErrClosed.
func (s *Store) Health() error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	return s.w.hb.err()
}

// Stats reports the writer's counters.
func (s *Store) Stats() Stats {
	return Stats{Batches: s.batches.Load(), Ops: s.nops.Load()}
}

// Close stops accepting writes, commits the ones already queued, stops the writer and closes the
// connections. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.ops)
		<-s.writerDone
		close(s.stopCheckpoints)
		<-s.checkpointsDone
		// Readers first, so that the writer's is the last connection: closing, it checkpoints the WAL into
		// the database file and removes it.
		s.closeErr = errors.Join(s.reader.Close(), s.w.closeHeartbeats(s.finalFold), s.w.close(), s.wdb.Close())
		if s.closeErr != nil {
			s.closeErr = fmt.Errorf("close sqlite store: %w", s.closeErr)
		}
	})
	return s.closeErr
}

// nanos encodes t for a time column: Unix nanoseconds, NULL for the zero time.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
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

// fromNanos decodes a time column written by nanos.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromUnixNano(n.Int64)
}

// fromUnixNano decodes a NOT NULL time column. UTC, so that the same instant always reads back the same.
func fromUnixNano(n int64) time.Time {
	return time.Unix(0, n).UTC()
}

// rowsLimit turns a caller's limit into SQL's: zero or less means no limit.
func rowsLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}
