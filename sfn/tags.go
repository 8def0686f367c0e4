package sfn

import (
	"context"
	"fmt"
	"slices"

	"github.com/openswf/openswf"
)

// A tagged resource: an activity, or a state machine's current revision (whose tags the next revision
// carries on).
type tagged struct {
	kind          openswf.TypeKind
	name, version string
	tags          []openswf.ResourceTag
	attrs         []byte
}

// taggedByARN finds the resource an ARN names, answering InvalidArn or ResourceNotFound.
func (s *Service) taggedByARN(ctx context.Context, arn string) (*tagged, error) {
	notFound := fault("ResourceNotFound", fmt.Sprintf("Resource not found: '%s'", arn))
	typ := arnActivity
	if p, err := s.parseARN(arn, arnStateMachine); err == nil {
		if !p.local || !validName(p.names[0]) {
			return nil, notFound
		}
		m, err := s.currentMachine(ctx, p.names[0])
		if err != nil {
			if openswf.KindOf(err) == openswf.KindUnknownResource {
				return nil, notFound
			}
			return nil, err
		}
		t, err := s.eng.DescribeType(ctx, openswf.KindWorkflowType, Domain, m.name, m.version)
		if err != nil {
			return nil, err
		}
		return &tagged{kind: openswf.KindWorkflowType, name: t.Name, version: t.Version, tags: t.Tags, attrs: t.Attributes}, nil
	}
	p, err := s.parseARN(arn, typ)
	if err != nil {
		return nil, err
	}
	if !p.local || !validName(p.names[0]) {
		return nil, notFound
	}
	t, err := s.activity(ctx, p.names[0])
	if err != nil {
		if openswf.KindOf(err) == openswf.KindUnknownResource {
			return nil, notFound
		}
		return nil, err
	}
	return &tagged{kind: openswf.KindActivityType, name: t.Name, version: t.Version, tags: t.Tags, attrs: t.Attributes}, nil
}

type tagResourceInput struct {
	ResourceArn string `json:"resourceArn"`
	Tags        []tag  `json:"tags"`
}

// tagResource adds tags to a resource or overwrites them by key.
func (s *Service) tagResource(ctx context.Context, in *tagResourceInput) (any, error) {
	r, err := s.taggedByARN(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := slices.Clone(r.tags)
	for _, t := range in.Tags {
		i := slices.IndexFunc(tags, func(x openswf.ResourceTag) bool { return x.Key == t.Key })
		if i >= 0 {
			tags[i].Value = t.Value
		} else {
			tags = append(tags, openswf.ResourceTag{Key: t.Key, Value: t.Value})
		}
	}
	if len(tags) > maxTags {
		return nil, fault("TooManyTags", fmt.Sprintf("Too many tags: at most %d tags are allowed", maxTags))
	}
	return empty{}, s.eng.SetTypeAttributes(ctx, r.kind, Domain, r.name, r.version, tags, r.attrs, nil)
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

// untagResource removes tags by key; keys the resource lacks are ignored.
func (s *Service) untagResource(ctx context.Context, in *untagResourceInput) (any, error) {
	r, err := s.taggedByARN(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := slices.DeleteFunc(slices.Clone(r.tags), func(t openswf.ResourceTag) bool { return slices.Contains(in.TagKeys, t.Key) })
	return empty{}, s.eng.SetTypeAttributes(ctx, r.kind, Domain, r.name, r.version, tags, r.attrs, nil)
}

type resourceArnInput struct {
	ResourceArn string `json:"resourceArn"`
}

type listTagsOutput struct {
	Tags []tag `json:"tags"`
}

func (s *Service) listTagsForResource(ctx context.Context, in *resourceArnInput) (any, error) {
	r, err := s.taggedByARN(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	out := &listTagsOutput{Tags: make([]tag, 0, len(r.tags))}
	for _, t := range r.tags {
		out.Tags = append(out.Tags, tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}
