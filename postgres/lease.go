package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openswf/openswf"
)

// DefaultLease is how long a timer lease lasts unless renewed: the longest a dead node's timers wait
// before another node takes them over.
const DefaultLease = 10 * time.Second

// Leases holds this node's share of the timer partitions (openswf.TimerPartition): it fires the timers of
// the runs of the partitions it holds. Every node sharing the database renews a row in nodes and its
// leases every Lease/3; the live nodes each aim at an equal share, a node over its share releases the
// rest, and a node under it takes partitions whose lease has expired or been released.
//
// Leases are timed by the database's clock (expires = now() + lease), so the nodes' clocks need not
// agree. A node counts a lease as its own only until Lease − Margin after the start of its last
// successful renewal (measured on its own monotonic clock, which started before the database read its
// now()), so it stops firing before the database would let another node take over. The fence on each
// timer transition (openswf.Transition.Fence) catches the rest: a node paused past that point cannot
// commit.
type Leases struct {
	s      *Store
	lease  time.Duration
	margin time.Duration
	log    *slog.Logger
	gained func(parts []int)

	mu    sync.Mutex
	owned map[int]held // partition → epoch and local validity
	live  int          // live nodes at the last renewal

	started   bool
	closeOnce sync.Once
	stop      chan struct{}
	done      chan struct{}
}

type held struct {
	epoch int64
	until time.Time // on this node's monotonic clock
}

// LeaseOptions configure Leases.
type LeaseOptions struct {
	// Lease is how long a lease lasts unless renewed; DefaultLease when zero.
	Lease time.Duration
	// Gained is called, outside any lock, with the partitions the node has just taken: it loads their
	// timers. A partition held again after a lapse (the database was out of reach) counts as gained.
	Gained func(parts []int)
	Logger *slog.Logger
}

// NewLeases returns this node's timer leases, none held until Start. Close stops them and releases the
// leases, so that the other nodes take them over at once.
func (s *Store) NewLeases(opts LeaseOptions) *Leases {
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Gained == nil {
		opts.Gained = func([]int) {}
	}
	l := &Leases{s: s, lease: opts.Lease, margin: opts.Lease / 5, log: opts.Logger, gained: opts.Gained,
		owned: map[int]held{}, stop: make(chan struct{}), done: make(chan struct{})}
	return l
}

// Start registers this node and starts taking and renewing its share of the timer leases.
func (l *Leases) Start() {
	l.started = true
	go l.run()
}

// TimerFence reports whether this node fires runID's timers now, and the fence for their transitions.
func (l *Leases) TimerFence(runID string) (openswf.Fence, bool) {
	part := openswf.TimerPartition(runID)
	l.mu.Lock()
	h, ok := l.owned[part]
	l.mu.Unlock()
	if !ok || !time.Now().Before(h.until) {
		return openswf.Fence{}, false
	}
	return openswf.Fence{Partition: part, Owner: l.s.opts.NodeID, Epoch: h.epoch}, true
}

// Held returns the partitions this node holds a valid lease on, in order, and the live nodes it last saw.
func (l *Leases) Held() (parts []int, live int) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for p, h := range l.owned {
		if now.Before(h.until) {
			parts = append(parts, p)
		}
	}
	slices.Sort(parts)
	return parts, l.live
}

// Close stops renewing and releases this node's leases and its row. It is safe to call more than once.
func (l *Leases) Close() {
	if !l.started {
		return
	}
	l.closeOnce.Do(l.close)
}

func (l *Leases) close() {
	close(l.stop)
	<-l.done
	// This node stops counting the leases as its own before the database lets another node take them.
	l.mu.Lock()
	clear(l.owned)
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	id := l.s.opts.NodeID
	_, err := l.s.pool.Exec(ctx, "UPDATE timer_leases SET owner = NULL, expires = NULL WHERE owner = $1", id)
	if err == nil {
		_, err = l.s.pool.Exec(ctx, "DELETE FROM nodes WHERE id = $1", id)
	}
	if err != nil {
		l.log.Warn("release timer leases", "error", err)
	}
}

// tick is how often the loop looks for partitions to take: often enough that a dead node's partitions
// pass to the others well within a second of their expiry.
func (l *Leases) tick() time.Duration { return min(l.lease/4, 500*time.Millisecond) }

func (l *Leases) run() {
	defer close(l.done)
	var lastRenew time.Time
	t := time.NewTicker(l.tick())
	defer t.Stop()
	for {
		if time.Since(lastRenew) >= l.lease/3 {
			if err := l.renew(); err != nil {
				l.log.Warn("renew timer leases", "error", err)
			} else {
				lastRenew = time.Now()
			}
		}
		if err := l.balance(); err != nil {
			l.log.Warn("balance timer leases", "error", err)
		}
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
	}
}

// renew renews this node's row and the leases it holds, and counts the live nodes.
func (l *Leases) renew() error {
	ctx, cancel := context.WithTimeout(context.Background(), l.lease/3)
	defer cancel()
	start := time.Now()
	id, secs := l.s.opts.NodeID, l.lease.Seconds()
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO nodes (id, started, expires) VALUES ($1, now(), now() + make_interval(secs => $2))
		ON CONFLICT (id) DO UPDATE SET expires = excluded.expires`, id, secs)
	b.Queue("SELECT count(*) FROM nodes WHERE expires > now()")
	// Only leases still this node's at the epoch it took them: one taken over since is not renewed.
	b.Queue(`UPDATE timer_leases SET expires = now() + make_interval(secs => $2)
		WHERE owner = $1 RETURNING part, epoch`, id, secs)
	b.Queue("DELETE FROM nodes WHERE expires < now() - interval '1 hour'")
	br := l.s.pool.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return err
	}
	var live int
	if err := br.QueryRow().Scan(&live); err != nil {
		return err
	}
	rows, err := br.Query()
	if err != nil {
		return err
	}
	renewed, err := scanLeases(rows)
	if err != nil {
		return err
	}
	if _, err := br.Exec(); err != nil {
		return err
	}
	until := start.Add(l.lease - l.margin)
	var gained []int
	l.mu.Lock()
	now := time.Now()
	for p, h := range l.owned {
		if _, ok := renewed[p]; !ok {
			delete(l.owned, p) // taken over by another node, or released
			continue
		}
		if !now.Before(h.until) {
			gained = append(gained, p) // lapsed here, still ours there: its timers may have been missed
		}
	}
	for p, epoch := range renewed {
		if _, ok := l.owned[p]; !ok {
			gained = append(gained, p)
		}
		l.owned[p] = held{epoch: epoch, until: until}
	}
	l.live = max(live, 1)
	l.mu.Unlock()
	if len(gained) > 0 {
		slices.Sort(gained)
		l.gained(gained)
	}
	return nil
}

// balance releases what this node holds over its share, or takes free partitions up to it.
func (l *Leases) balance() error {
	ctx, cancel := context.WithTimeout(context.Background(), l.lease/3)
	defer cancel()
	parts, live := l.Held()
	if live == 0 {
		return nil // not registered yet
	}
	share := (openswf.TimerPartitions + live - 1) / live
	id, secs := l.s.opts.NodeID, l.lease.Seconds()
	switch {
	case len(parts) > share:
		extra := parts[share:]
		l.mu.Lock()
		for _, p := range extra {
			delete(l.owned, p)
		}
		l.mu.Unlock()
		ps := make([]int16, len(extra))
		for i, p := range extra {
			ps[i] = int16(p)
		}
		_, err := l.s.pool.Exec(ctx, "UPDATE timer_leases SET owner = NULL, expires = NULL WHERE owner = $1 AND part = ANY($2)", id, ps)
		if err != nil {
			return fmt.Errorf("release %d partitions: %w", len(extra), err)
		}
	case len(parts) < share:
		start := time.Now()
		rows, err := l.s.pool.Query(ctx, `UPDATE timer_leases SET owner = $1, epoch = epoch + 1,
				expires = now() + make_interval(secs => $2)
			WHERE part IN (SELECT part FROM timer_leases WHERE owner IS NULL OR expires <= now()
				ORDER BY part LIMIT $3 FOR UPDATE SKIP LOCKED)
			RETURNING part, epoch`, id, secs, share-len(parts))
		if err != nil {
			return fmt.Errorf("take partitions: %w", err)
		}
		var gained []int
		until := start.Add(l.lease - l.margin)
		taken, err := scanLeases(rows)
		if err != nil {
			return fmt.Errorf("take partitions: %w", err)
		}
		l.mu.Lock()
		for p, epoch := range taken {
			l.owned[p] = held{epoch: epoch, until: until}
			gained = append(gained, p)
		}
		l.mu.Unlock()
		if len(gained) > 0 {
			slices.Sort(gained)
			l.gained(gained)
		}
	}
	return nil
}

// scanLeases reads rows of (part, epoch) into a map, and closes rows.
func scanLeases(rows pgx.Rows) (map[int]int64, error) {
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var p int16
		var epoch int64
		if err := rows.Scan(&p, &epoch); err != nil {
			return nil, err
		}
		out[int(p)] = epoch
	}
	return out, rows.Err()
}
