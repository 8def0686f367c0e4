package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openswf/openswf"
)

// The LISTEN/NOTIFY channel the nodes sharing a database tell each other on is "openswf." and the name of
// the schema that holds the tables (Store.channel): deployments in different schemas of one database
// (and tests) do not hear each other.
const noticeChannelPrefix = "openswf."

// A notice is one line of tab-separated fields, its first the kind and its second the node that sent it
// (whose own listener skips it):
//
//	T <node> <task kind> <domain> <task list> <count>      tasks were put in a task list
//	M <node> <partition> <run id> <timer kind> <id> <due, Unix ns> <domain>   a timer was armed
//	R <node> <domain> <type kind> <name> <version>        a domain (empty kind) or type changed
//
// Names cannot hold a tab: SWF's names refuse control characters, and Step Functions' resources live in
// an SWF domain of their own.
const (
	noticeTasks    = "T"
	noticeTimer    = "M"
	noticeRegistry = "R"
)

// Notices is what a store's listener tells its node of the other nodes' commits.
type Notices interface {
	// TasksAvailable says n tasks were put in a task list.
	TasksAvailable(kind openswf.TaskKind, domain, taskList string, n int)
	// TimerArmed says a timer was armed (or moved).
	TimerArmed(t openswf.Timer)
	// RegistryChanged says a domain (kind empty) or a type changed.
	RegistryChanged(domain string, kind openswf.TypeKind, name, version string)
	// Resync says notices may have been missed (the listener lost its connection): the node looks in
	// the store for what it may have missed.
	Resync()
}

// notices are the notices of a group of transitions: a line per task list that gets tasks, and a line per
// timer armed.
func (s *Store) notices(group []*applyStep) []string {
	var out []string
	type list struct {
		kind         openswf.TaskKind
		domain, name string
	}
	var counts map[list]int
	var order []list
	for _, st := range group {
		for _, p := range st.tr.Tasks {
			if counts == nil {
				counts = map[list]int{}
			}
			k := list{p.Kind, p.Domain, p.TaskList}
			if counts[k] == 0 {
				order = append(order, k)
			}
			counts[k]++
		}
		for _, t := range st.tr.PutTimers {
			out = append(out, strings.Join([]string{noticeTimer, s.opts.NodeID, strconv.Itoa(openswf.TimerPartition(t.RunID)),
				t.RunID, string(t.Kind), strconv.FormatInt(t.ID, 10), strconv.FormatInt(t.Due.UnixNano(), 10), t.Domain}, "\t"))
		}
	}
	for _, k := range order {
		out = append(out, strings.Join([]string{noticeTasks, s.opts.NodeID, string(k.kind), k.domain, k.name,
			strconv.Itoa(counts[k])}, "\t"))
	}
	return out
}

// Listen delivers the other nodes' notices to to until ctx ends or the store closes. It returns once the
// first listening connection is in force (or failed to be, within ctx), so that a node hears every notice
// committed after it starts serving. The connection is its own (outside the pool); when it fails, Listen
// opens another and calls Resync.
func (s *Store) Listen(ctx context.Context, to Notices, log *slog.Logger) error {
	first, err := s.listenConn(ctx)
	if err != nil {
		return fmt.Errorf("listen for other nodes' notices: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.closing, cancel)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer stop()
		defer cancel()
		conn := first
		backoff := 100 * time.Millisecond
		for ctx.Err() == nil {
			if conn == nil {
				var err error
				if conn, err = s.listenConn(ctx); err != nil {
					if ctx.Err() != nil {
						return
					}
					log.Warn("database notifications lost; reconnecting", "error", err, "retry_in", backoff)
					select {
					case <-ctx.Done():
						return
					case <-time.After(backoff):
					}
					backoff = min(2*backoff, 5*time.Second)
					continue
				}
				backoff = 100 * time.Millisecond
				to.Resync() // what was committed while no connection listened
			}
			err := s.receive(ctx, conn, to, log)
			conn.Close(context.Background())
			conn = nil
			if ctx.Err() != nil {
				return
			}
			log.Warn("database notifications lost; reconnecting", "error", err)
		}
	}()
	return nil
}

// listenConn opens a connection that listens on the store's channel.
func (s *Store) listenConn(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// receive delivers the notices that reach conn until it fails. A notice it cannot read (from a node of
// another version) is logged and skipped.
func (s *Store) receive(ctx context.Context, conn *pgx.Conn, to Notices, log *slog.Logger) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if err := s.deliver(n.Payload, to); err != nil {
			log.Warn("notice from another node ignored", "notice", n.Payload, "error", err)
		}
	}
}

// errBadNotice is a notice this node cannot read: a node of another version, or a bug.
var errBadNotice = errors.New("unreadable notice")

// deliver parses one notice and hands it to to, unless this node sent it.
func (s *Store) deliver(payload string, to Notices) error {
	f := strings.Split(payload, "\t")
	if len(f) < 2 {
		return errBadNotice
	}
	if f[1] == s.opts.NodeID {
		return nil
	}
	switch {
	case f[0] == noticeTasks && len(f) == 6:
		n, err := strconv.Atoi(f[5])
		if err != nil {
			return errBadNotice
		}
		to.TasksAvailable(openswf.TaskKind(f[2]), f[3], f[4], n)
	case f[0] == noticeTimer && len(f) == 8:
		id, err1 := strconv.ParseInt(f[5], 10, 64)
		due, err2 := strconv.ParseInt(f[6], 10, 64)
		if err1 != nil || err2 != nil {
			return errBadNotice
		}
		to.TimerArmed(openswf.Timer{TimerKey: openswf.TimerKey{RunID: f[3], Kind: openswf.TimerKind(f[4]), ID: id},
			Domain: f[7], Due: time.Unix(0, due).UTC()})
	case f[0] == noticeRegistry && len(f) == 6:
		to.RegistryChanged(f[2], openswf.TypeKind(f[3]), f[4], f[5])
	default:
		// A kind this version does not know: a newer node during a rolling upgrade. Nothing to do.
	}
	return nil
}
