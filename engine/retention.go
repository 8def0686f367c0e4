package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/openswf/openswf"
)

const (
	// defaultRetentionInterval is how often the retention loop looks for expired executions.
	defaultRetentionInterval = time.Minute
	// purgeBatch is the most runs one purge step deletes: each step is one op of the store's writer, so
	// that a large backlog goes out in small transactions between the service's own writes.
	purgeBatch = 200
	// domainPage is how many domains the purge reads at a time.
	domainPage = 100
)

// retentionLoop purges closed executions past their domain's retention period until Close: once at
// start, then every Options.RetentionInterval on the engine's clock.
func (e *Engine) retentionLoop() {
	defer e.wg.Done()
	interval := e.opts.RetentionInterval
	if interval <= 0 {
		interval = defaultRetentionInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-e.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		n, err := e.PurgeExpired(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			e.log.Error("purge expired executions", "error", err, "purged", n)
		case n > 0:
			e.log.Info("purged expired executions", "purged", n)
		}
		wait, stop := e.clock.After(interval)
		select {
		case <-e.closing:
			stop()
			return
		case <-wait:
			stop()
		}
	}
}

// PurgeExpired deletes the closed executions of every domain whose retention period has passed since they
// closed, with their histories, and reports how many it deleted. A retention of NONE or 0 days keeps a
// closed execution until the next purge. It purges in small steps and stops early when ctx is done.
func (e *Engine) PurgeExpired(ctx context.Context) (int, error) {
	now := e.clock.Now()
	total := 0
	var errs []error
	for _, status := range []openswf.RegistrationStatus{openswf.StatusRegistered, openswf.StatusDeprecated} {
		after := ""
		for {
			ds, err := e.store.ListDomains(ctx, status, after, domainPage, false)
			if err != nil {
				return total, fmt.Errorf("purge expired executions: list domains: %w", err)
			}
			for _, d := range ds {
				days, ok := retentionDays(d.RetentionDays)
				if !ok {
					errs = append(errs, fmt.Errorf("domain %s: unreadable retention %q", d.Name, d.RetentionDays))
					continue
				}
				n, err := e.purgeDomain(ctx, d.Name, now.Add(-time.Duration(days)*24*time.Hour))
				total += n
				if err != nil {
					if ctx.Err() != nil {
						return total, ctx.Err()
					}
					errs = append(errs, fmt.Errorf("domain %s: %w", d.Name, err))
				}
			}
			if len(ds) < domainPage {
				break
			}
			after = ds[len(ds)-1].Name
		}
	}
	if err := errors.Join(errs...); err != nil {
		return total, fmt.Errorf("purge expired executions: %w", err)
	}
	return total, nil
}

// purgeDomain deletes a domain's runs that closed before cutoff, purgeBatch at a time.
func (e *Engine) purgeDomain(ctx context.Context, domain string, cutoff time.Time) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, err := e.store.PurgeClosed(ctx, domain, cutoff, purgeBatch)
		total += n
		if err != nil || n < purgeBatch {
			return total, err
		}
	}
}

// retentionDays reads workflowExecutionRetentionPeriodInDays: NONE is 0.
func retentionDays(s string) (int, bool) {
	if s == "NONE" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
