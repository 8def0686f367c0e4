package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/jackc/pgx/v5"
)

const (
	// failoverLease is the --lease of failover's servers: short, so that a run takes seconds, and the
	// figure to hold the failover time against (the target is lease time + 2 s).
	failoverLease = 2 * time.Second
	// failoverWindow is how long the tasks' deadlines keep coming due: several lease times, so that
	// deadlines fall before the kill, while the dead node's partitions have no owner, and after the
	// takeover.
	failoverWindow = 10 * time.Second
	// failoverKillAfter is how long after the first deadline failover kills a node: the victim has been
	// firing its timers, and most deadlines are still ahead.
	failoverKillAfter = 2 * time.Second
)

// leasesPattern finds the count in /healthz's "timer leases: 21 of 64 partitions; nodes: 3".
var leasesPattern = regexp.MustCompile(`timer leases: (\d+) of`)

// failover measures how late a dead node's timers fire on the others. Its servers run with --lease 2s.
//
// It starts Tasks activity tasks through all the nodes (setup workers bound round-robin), nothing
// heartbeats them, and their deadlines come due over failoverWindow, paced as in timers: the heartbeat
// timeout H is ceil(1.5 × failoverWindow) + 1 s, so that the setup ends before the first deadline.
// failoverKillAfter after the first deadline the bench asks each node's /healthz for its timer leases,
// reads which partitions the node with the most holds and which runs have timers in them (the
// timer_leases and timers tables), and kills it with SIGKILL.
// The histories, read through a surviving node after the last deadline, give each timeout's lateness
// (its ActivityTaskTimedOut eventTimestamp minus its ActivityTaskStarted eventTimestamp + H).
//
// Ops counts the dead node's timeouts due after the kill, and P50, P99 and Max are their lateness: Max is
// the failover time, from the kill to the last of them catching up. Elapsed is the time from the kill to
// the first timeout of the dead node's partitions recorded on another node.
func (b *bencher) failover(ctx context.Context, srv *server) (Result, error) {
	m := b.cfg.Tasks
	rate := float64(m) / failoverWindow.Seconds()
	// Few tasks per execution: a run's timers are in one partition, and many runs spread the deadlines
	// evenly over the partitions.
	per := max(1, min(maxActivitiesPerExecution, int(math.Ceil(rate/timersStartsPerSecond))))
	every := time.Duration(float64(per) / rate * float64(time.Second))
	hb := time.Duration(math.Ceil(timersHeadroom*failoverWindow.Seconds())+1) * time.Second
	e, err := newEnv(ctx, b.setupClient(srv.url), b.name(WorkloadFailover), b.logf)
	if err != nil {
		return Result{}, err
	}
	for _, url := range srv.urls {
		e.spread = append(e.spread, b.setupClient(url))
	}
	b.logf("failover: starting %d tasks over %d nodes, %d per execution every %v, heartbeat timeout %v, lease %v",
		m, len(srv.urls), per, every, hb, failoverLease)
	held, err := e.startTasks(ctx, taskPlan{
		tasks: m, perWorkflow: per, every: every, heartbeatTimeout: strconv.Itoa(int(hb / time.Second)),
	})
	if err != nil {
		return Result{}, fmt.Errorf("start tasks: %w", err)
	}
	killAt := held.first.Add(hb + failoverKillAfter)
	if time.Now().After(killAt) {
		b.logf("failover: warning: the setup ended %v after the planned kill", time.Since(killAt).Round(time.Millisecond))
	}
	select {
	case <-time.After(time.Until(killAt)):
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}

	victim, counts, err := b.mostLeases(ctx, srv)
	if err != nil {
		return Result{}, err
	}
	parts, dead, err := leasedRuns(ctx, srv.db, srv.nodeIDs[victim])
	if err != nil {
		return Result{}, err
	}
	kill := time.Now()
	srv.children()[victim].kill()
	b.logf("failover: killed %s (timer leases per node %v; it held %d partitions with timers of %d runs)",
		srv.nodeIDs[victim], counts, parts, len(dead))

	// Read through a survivor once every deadline has passed and the lease has had time to move.
	e.c = b.setupClient(srv.urls[(victim+1)%len(srv.urls)])
	lastDeadline := held.last.Add(hb)
	select {
	case <-time.After(time.Until(lastDeadline.Add(failoverLease + timersReadAfter))):
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	got, err := e.readRunsTimeouts(ctx, held.runs, lastDeadline.Add(timersPatience))
	if err != nil {
		return Result{}, err
	}
	var (
		late, others []time.Duration
		first        time.Time
		found, other int64
	)
	for i, rt := range got {
		if rt == nil {
			continue
		}
		found += int64(len(rt.lateness))
		other += rt.otherTimeouts
		for k, l := range rt.lateness {
			switch {
			case !dead[aws.ToString(held.runs[i].RunId)]:
				if rt.deadlines[k].After(kill) {
					others = append(others, l)
				}
			case rt.fired[k].After(kill):
				if first.IsZero() || rt.fired[k].Before(first) {
					first = rt.fired[k]
				}
				if rt.deadlines[k].After(kill) {
					late = append(late, l)
				}
			}
		}
	}
	s, o := Summarize(late), Summarize(others)
	b.logf("failover: the survivors' own timeouts due after the kill: %d, lateness p50 %v p99 %v max %v",
		o.Count, o.P50, o.P99, o.Max)
	r := Result{
		Workload: WorkloadFailover, Client: ClientSDK, Tasks: m, Ops: int64(s.Count),
		P50: s.P50, P99: s.P99, Max: s.Max, Partitions: parts,
		Errors: int64(m) - found + other,
	}
	if !first.IsZero() {
		r.Elapsed = first.Sub(kill)
	}
	if r.Errors > 0 {
		b.logf("failover: %d of %d tasks have no HEARTBEAT timeout in their history (%d other timeouts)",
			int64(m)-found, m, other)
	}
	return r, nil
}

// mostLeases asks each node's /healthz how many timer leases it holds, and returns the index of the node
// with the most, and the counts.
func (b *bencher) mostLeases(ctx context.Context, srv *server) (int, []int, error) {
	hc := b.httpClient(len(srv.urls))
	counts := make([]int, len(srv.urls))
	for i, url := range srv.urls {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/healthz", nil)
		if err != nil {
			return 0, nil, err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, fmt.Errorf("healthz of %s: %w", srv.nodeIDs[i], err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return 0, nil, fmt.Errorf("healthz of %s: %w", srv.nodeIDs[i], err)
		}
		mt := leasesPattern.FindSubmatch(body)
		if mt == nil {
			return 0, nil, fmt.Errorf("healthz of %s: no timer leases in %q", srv.nodeIDs[i], strings.TrimSpace(string(body)))
		}
		counts[i], _ = strconv.Atoi(string(mt[1]))
	}
	most := 0
	for i, n := range counts {
		if n > counts[most] {
			most = i
		}
	}
	return most, counts, nil
}

// leasedRuns reads from the database which timer partitions node holds, and the runs with timers armed in
// them: the store's own record of which runs' timers the node fires, so that the bench need not know how
// runs map to partitions.
func leasedRuns(ctx context.Context, db, node string) (parts int, runs map[string]bool, err error) {
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		return 0, nil, fmt.Errorf("connect to read timer leases: %w", err)
	}
	defer conn.Close(ctx)
	const owned = "SELECT part FROM timer_leases WHERE owner = $1 AND expires > now()"
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM ("+owned+") o", node).Scan(&parts); err != nil {
		return 0, nil, fmt.Errorf("read timer leases: %w", err)
	}
	rows, err := conn.Query(ctx, "SELECT DISTINCT run_id FROM timers WHERE part IN ("+owned+")", node)
	if err != nil {
		return 0, nil, fmt.Errorf("read timers: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, nil, fmt.Errorf("read timers: %w", err)
	}
	runs = make(map[string]bool, len(ids))
	for _, id := range ids {
		runs[id] = true
	}
	return parts, runs, nil
}
