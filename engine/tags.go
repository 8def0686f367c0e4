package engine

import (
	"context"
	"fmt"
	"slices"
	"unicode"

	"github.com/openswf/openswf"
)

// DomainTags returns the tags of a domain, in any status, in the order they were first added.
func (e *Engine) DomainTags(ctx context.Context, domain string) ([]openswf.ResourceTag, error) {
	d, err := e.DescribeDomain(ctx, domain)
	if err != nil {
		return nil, err
	}
	return d.Tags, nil
}

// TagDomain adds tags to a domain, replacing the value of a key it already has. A domain holds at most 50
// tags (TooManyTagsFault); a key given twice takes its last value.
func (e *Engine) TagDomain(ctx context.Context, domain string, tags []openswf.ResourceTag) error {
	for i, t := range tags {
		if err := checkTag(fmt.Sprintf("tags[%d].key", i), t.Key); err != nil {
			return err
		}
		if err := checkTag(fmt.Sprintf("tags[%d].value", i), t.Value); err != nil {
			return err
		}
	}
	d, err := e.DescribeDomain(ctx, domain)
	if err != nil {
		return err
	}
	merged := slices.Clone(d.Tags)
	for _, t := range tags {
		if i := slices.IndexFunc(merged, func(m openswf.ResourceTag) bool { return m.Key == t.Key }); i >= 0 {
			merged[i].Value = t.Value
		} else {
			merged = append(merged, t)
		}
	}
	if len(merged) > maxDomainTags {
		return &openswf.Error{Kind: openswf.KindTooManyTags,
			Message: fmt.Sprintf("A domain can have at most %d tags; %s would have %d", maxDomainTags, domain, len(merged))}
	}
	d.Tags = merged
	defer e.forgetDomain(domain)
	if err := e.store.UpdateDomain(ctx, d); err != nil {
		return fmt.Errorf("tag domain: %w", err)
	}
	return nil
}

// UntagDomain removes the tags of the given keys from a domain; keys it does not have are ignored.
func (e *Engine) UntagDomain(ctx context.Context, domain string, keys []string) error {
	d, err := e.DescribeDomain(ctx, domain)
	if err != nil {
		return err
	}
	kept := slices.DeleteFunc(slices.Clone(d.Tags), func(t openswf.ResourceTag) bool { return slices.Contains(keys, t.Key) })
	if len(kept) == len(d.Tags) {
		return nil
	}
	d.Tags = kept
	defer e.forgetDomain(domain)
	if err := e.store.UpdateDomain(ctx, d); err != nil {
		return fmt.Errorf("untag domain: %w", err)
	}
	return nil
}

// checkTag enforces what SWF documents for tag keys and values but its model does not express: "Tags may
// only contain unicode letters, digits, whitespace, or these symbols: _ . : / = + - @".
func checkTag(member, s string) error {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.IsNumber(r) {
			continue
		}
		switch r {
		case '_', '.', ':', '/', '=', '+', '-', '@':
			continue
		}
		return invalid(member, s, "Member must contain only unicode letters, digits, whitespace, or these symbols: _ . : / = + - @")
	}
	return nil
}
