package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

// EnsureInternalDomain registers an internal domain (openswf.InternalDomain) if it does not exist yet: the
// home of another API's runs and types, such as Step Functions' executions and activities. RegisterDomain
// refuses such names, so no SWF domain can be one.
func (e *Engine) EnsureInternalDomain(ctx context.Context, name, retentionDays string) error {
	if !openswf.InternalDomain(name) {
		return fmt.Errorf("ensure internal domain: %q is not an internal domain name", name)
	}
	err := e.store.CreateDomain(ctx, &openswf.Domain{
		Name: name, Status: openswf.StatusRegistered, RetentionDays: retentionDays, CreatedAt: e.clock.Now(),
	})
	if err != nil && !errors.Is(err, openswf.ErrExists) {
		return fmt.Errorf("create internal domain: %w", err)
	}
	return nil
}

// LookupType returns a registered type in any status through the engine's registry cache, as the engine
// itself reads types: what this engine changed is seen at once, what another node changed within the
// cache's lifetime. For deciders, which read types at every transition.
func (e *Engine) LookupType(ctx context.Context, kind openswf.TypeKind, domain, name, version string) (*openswf.TypeRecord, error) {
	t, err := e.typeRecord(ctx, domain, kind, name, version)
	if errors.Is(err, openswf.ErrNotFound) {
		return nil, unknown("Unknown type: %s %s/%s", kind, name, version)
	}
	return t, err
}

// SetTypeAttributes replaces the tags and the API's own attributes of a registered type of an internal
// domain (a Step Functions state machine's definition, say), and its description when description is not
// nil. Two calls at once on one type keep the last.
func (e *Engine) SetTypeAttributes(ctx context.Context, kind openswf.TypeKind, domain, name, version string,
	tags []openswf.ResourceTag, attrs json.RawMessage, description *string) error {
	if !openswf.InternalDomain(domain) {
		return fmt.Errorf("set type attributes: %q is not an internal domain", domain)
	}
	t, err := e.store.GetType(ctx, domain, kind, name, version)
	if errors.Is(err, openswf.ErrNotFound) {
		return openswf.Errorf(openswf.KindUnknownResource, "Unknown type: %s %s/%s", kind, name, version)
	}
	if err != nil {
		return fmt.Errorf("get type: %w", err)
	}
	t.Tags, t.Attributes = tags, attrs
	if description != nil {
		t.Description = *description
	}
	if err := e.store.UpdateType(ctx, t); err != nil {
		return fmt.Errorf("update type: %w", err)
	}
	e.forgetType(domain, kind, name, version)
	return nil
}

// DialectHistoryInput asks for a page of a run's events of one dialect (EventDialectRecorded).
type DialectHistoryInput struct {
	Domain, WorkflowID, RunID string
	Dialect                   string
	NextPageToken             string
	PageSize                  int
	Reverse                   bool
}

// DialectHistory returns a page of the events a run's in-process decider recorded in its dialect, as it
// recorded them, and the token of the next page ("" on the last). The token is sealed and bound to the
// run and the direction, as History's are.
func (e *Engine) DialectHistory(ctx context.Context, in DialectHistoryInput) ([]json.RawMessage, string, error) {
	x, err := e.execution(ctx, in.Domain, in.WorkflowID, in.RunID)
	if err != nil {
		return nil, "", err
	}
	limit := pageSize(in.PageSize)
	var out []json.RawMessage
	token := in.NextPageToken
	for {
		// Read a page of the run's events; the dialect's are most of a run decided in-process.
		evs, next, err := e.historyPage(ctx, x.RunID, 0, token, limit, in.Reverse)
		if err != nil {
			return nil, "", err
		}
		for i, ev := range evs {
			if ev.Type != openswf.EventDialectRecorded {
				continue
			}
			var a openswf.DialectEventAttributes
			if err := json.Unmarshal(ev.Attributes, &a); err != nil {
				return nil, "", fmt.Errorf("read dialect event %d of run %s: %w", ev.ID, x.RunID, err)
			}
			if a.Dialect != in.Dialect {
				continue
			}
			out = append(out, a.Event)
			if len(out) == limit {
				if i == len(evs)-1 && next == "" {
					return out, "", nil
				}
				return out, e.historyToken(x.RunID, ev.ID, in.Reverse), nil
			}
		}
		if next == "" {
			return out, "", nil
		}
		token = next
	}
}
