package bench

import (
	"context"
	"sync"
	"time"
)

// loadResult is what drive measured.
type loadResult struct {
	ops, errors int64
	elapsed     time.Duration
	latency     Summary
	firstErrors []string // a few distinct error messages
}

// result turns a load into a Result of workload.
func (l loadResult) result(workload, client string, workers int) Result {
	r := Result{
		Workload: workload, Client: client, Workers: workers,
		Ops: l.ops, Elapsed: l.elapsed, Errors: l.errors,
		P50: l.latency.P50, P99: l.latency.P99, Max: l.latency.Max,
	}
	if l.elapsed > 0 {
		r.OpsPerSec = float64(l.ops) / l.elapsed.Seconds()
	}
	return r
}

// drive runs one worker per call for d, each calling its call in a loop: as fast as it can when rate is 0,
// else on its own open-loop schedule of rate/len(calls) calls per second, staggered across workers. Each
// worker first makes one uncounted call, so that connections are open before the clock starts.
//
// With a rate, a call's latency runs from the time it was due, not from the time it was sent: a worker held
// up by a slow answer sends late, and the lateness counts (coordinated omission).
func drive(ctx context.Context, calls []call, d time.Duration, rate float64) loadResult {
	workers := len(calls)
	var (
		mu       sync.Mutex
		res      loadResult
		samples  = make([][]time.Duration, workers)
		finished = make([]time.Time, workers)
		seen     = map[string]bool{}
		ready    sync.WaitGroup
		wg       sync.WaitGroup
		startCh  = make(chan struct{})
		start    time.Time
	)
	var interval time.Duration
	if rate > 0 {
		interval = time.Duration(float64(workers) / rate * float64(time.Second))
	}
	noteErr := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		res.errors++
		if msg := err.Error(); !seen[msg] && len(res.firstErrors) < 5 {
			seen[msg] = true
			res.firstErrors = append(res.firstErrors, msg)
		}
	}
	ready.Add(workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := calls[w]
			c(ctx) // warm-up: opens the connection
			ready.Done()
			<-startCh
			end := start.Add(d)
			next := start.Add(time.Duration(w) * interval / time.Duration(workers))
			own := make([]time.Duration, 0, 1024)
			var last time.Time
			for ctx.Err() == nil {
				var due time.Time
				if interval > 0 {
					if !next.Before(end) {
						break
					}
					if wait := time.Until(next); wait > 0 {
						time.Sleep(wait)
					}
					due, next = next, next.Add(interval)
				} else {
					due = time.Now()
					if !due.Before(end) {
						break
					}
				}
				err := c(ctx)
				last = time.Now()
				if err != nil {
					if ctx.Err() == nil {
						noteErr(err)
					}
					continue
				}
				own = append(own, last.Sub(due))
			}
			samples[w], finished[w] = own, last
		}()
	}
	ready.Wait()
	start = time.Now()
	close(startCh)
	wg.Wait()

	var all []time.Duration
	end := start.Add(d)
	for w := range workers {
		all = append(all, samples[w]...)
		if finished[w].After(end) {
			end = finished[w]
		}
	}
	res.ops = int64(len(all))
	res.elapsed = end.Sub(start)
	res.latency = Summarize(all)
	return res
}
