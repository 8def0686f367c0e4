package postgres_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/postgres"
	"github.com/openswf/openswf/postgres/pgtest"
)

// TestLeases_SplitAndHandOver checks that nodes split the timer partitions between them, and that the
// partitions of a node that stops cleanly pass to the others at once.
func TestLeases_SplitAndHandOver(t *testing.T) {
	url := pgtest.Schema(t)
	const lease = 2 * time.Second
	var nodes []*postgres.Leases
	for _, id := range []string{"a", "b", "c"} {
		s := openStore(t, url, postgres.Options{NodeID: id})
		l := s.NewLeases(postgres.LeaseOptions{Lease: lease, Logger: quietLog()})
		l.Start()
		t.Cleanup(l.Close)
		nodes = append(nodes, l)
	}
	waitFor(t, 10*time.Second, "the partitions split between three nodes", func() bool {
		return sumHeld(nodes) == openswf.TimerPartitions && minHeld(nodes) >= 20 // 22, 22 and 20: a share is 22
	})
	start := time.Now()
	nodes[2].Close()
	waitFor(t, 5*time.Second, "the partitions of the node that left passed to the others", func() bool {
		return sumHeld(nodes[:2]) == openswf.TimerPartitions
	})
	if d := time.Since(start); d > lease {
		t.Errorf("a clean stop's partitions took %v to pass, want under the lease (%v): it releases them", d, lease)
	}
}

// TestLeases_CutOffNodeStopsBeforeTakeOver cuts one node's connections to the database (through a proxy
// the test controls) and checks that the node stops counting its leases as its own before any other node
// takes one over, that the others take them all within the lease and 2 s, and that a transition fenced
// with the cut-off node's old lease is refused.
func TestLeases_CutOffNodeStopsBeforeTakeOver(t *testing.T) {
	dbURL := pgtest.Schema(t)
	proxy := newCutProxy(t, dbURL)
	const lease = 2 * time.Second

	cutStore := openStore(t, proxy.url, postgres.Options{NodeID: "cut"})
	cut := cutStore.NewLeases(postgres.LeaseOptions{Lease: lease, Logger: quietLog()})
	cut.Start()
	t.Cleanup(cut.Close)
	waitFor(t, 10*time.Second, "the first node holding every partition", func() bool {
		parts, _ := cut.Held()
		return len(parts) == openswf.TimerPartitions
	})
	otherStore := openStore(t, dbURL, postgres.Options{NodeID: "other"})
	other := otherStore.NewLeases(postgres.LeaseOptions{Lease: lease, Logger: quietLog()})
	other.Start()
	t.Cleanup(other.Close)
	waitFor(t, 10*time.Second, "the partitions split between two nodes", func() bool {
		a, _ := cut.Held()
		b, _ := other.Held()
		return len(a) == 32 && len(b) == 32
	})
	parts, _ := cut.Held()
	run := runInPartition(parts[0])
	fence, ok := cut.TimerFence(run)
	if !ok {
		t.Fatalf("the cut-off node does not fire run %s of its partition %d", run, parts[0])
	}

	cutAt := time.Now()
	proxy.cut()
	var stopped, taken time.Duration
	for stopped == 0 || taken == 0 {
		if time.Since(cutAt) > lease+5*time.Second {
			t.Fatalf("after %v: the cut-off node stopped after %v, the other took everything after %v", time.Since(cutAt), stopped, taken)
		}
		if a, _ := cut.Held(); stopped == 0 && len(a) == 0 {
			stopped = time.Since(cutAt)
		}
		if b, _ := other.Held(); taken == 0 && len(b) == openswf.TimerPartitions {
			taken = time.Since(cutAt)
		}
		if _, ok := cut.TimerFence(run); ok && taken > 0 {
			t.Fatalf("the cut-off node still fires run %s after the other node took its partition", run)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("cut-off node stopped firing %v after the cut; the other node held every partition %v after it", stopped, taken)
	if stopped >= taken {
		t.Errorf("the cut-off node stopped firing %v after the cut, not before the other took over (%v)", stopped, taken)
	}
	if taken > lease+2*time.Second {
		t.Errorf("the other node took the cut-off node's partitions %v after the cut, want within the lease (%v) and 2 s", taken, lease)
	}

	// A transition fenced with the old lease, reaching the database late (the node was paused), is refused.
	x := &openswf.Execution{Domain: "d", WorkflowID: "w", RunID: run, Version: 1, Open: true, StartedAt: time.Now()}
	err := otherStore.Apply(context.Background(), &openswf.Transition{Execution: x, Create: true, Fence: &fence})
	if !errors.Is(err, openswf.ErrFenced) {
		t.Errorf("Apply fenced by the lost lease %+v: got %v, want ErrFenced", fence, err)
	}
	newFence, ok := other.TimerFence(run)
	if !ok {
		t.Fatalf("the other node does not fire run %s", run)
	}
	if newFence.Epoch <= fence.Epoch {
		t.Errorf("epoch after take-over %d, want more than %d", newFence.Epoch, fence.Epoch)
	}
	if err := otherStore.Apply(context.Background(), &openswf.Transition{Execution: x, Create: true, Fence: &newFence}); err != nil {
		t.Errorf("Apply fenced by the current lease: %v", err)
	}
}

// runInPartition returns a run id in partition part.
func runInPartition(part int) string {
	for i := 0; ; i++ {
		id := "run-" + time.Now().Format("150405") + "-" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26))
		if openswf.TimerPartition(id) == part {
			return id
		}
	}
}

func sumHeld(ls []*postgres.Leases) int {
	n := 0
	for _, l := range ls {
		parts, _ := l.Held()
		n += len(parts)
	}
	return n
}

func minHeld(ls []*postgres.Leases) int {
	m := openswf.TimerPartitions
	for _, l := range ls {
		parts, _ := l.Held()
		m = min(m, len(parts))
	}
	return m
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cutProxy forwards TCP connections to the database until cut, when it closes them all and refuses new
// ones: the node behind it loses the database as in a network partition.
type cutProxy struct {
	url string
	ln  net.Listener

	mu    sync.Mutex
	conns []net.Conn
	isCut bool
}

func newCutProxy(t *testing.T, dbURL string) *cutProxy {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	t.Cleanup(func() { ln.Close(); p.cut() })
	u.Host = ln.Addr().String()
	p.url = u.String()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.isCut {
				p.mu.Unlock()
				c.Close()
				continue
			}
			d, err := net.Dial("tcp", target)
			if err != nil {
				p.mu.Unlock()
				c.Close()
				continue
			}
			p.conns = append(p.conns, c, d)
			p.mu.Unlock()
			go func() { io.Copy(d, c); d.Close() }()
			go func() { io.Copy(c, d); c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.isCut = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore lets new connections through again.
func (p *cutProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.isCut = false
}
