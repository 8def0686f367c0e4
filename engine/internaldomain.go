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

// SetTypeAttributes replaces the tags and the API's own attributes of a registered type of an internal
// domain (a Step Functions state machine's definition, say). Two calls at once on one type keep the last.
func (e *Engine) SetTypeAttributes(ctx context.Context, kind openswf.TypeKind, domain, name, version string,
	tags []openswf.ResourceTag, attrs json.RawMessage) error {
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
	if err := e.store.UpdateType(ctx, t); err != nil {
		return fmt.Errorf("update type: %w", err)
	}
	e.forgetType(domain, kind, name, version)
	return nil
}
