package swf

import (
	"context"
	"reflect"

	"github.com/openswf/openswf"
)

// Internal domains (openswf.InternalDomain) hold another API's runs and types: Step Functions' executions
// and activities. SWF's rules for domain names forbid their names, so for SWF they do not exist: a request
// naming one gets the fault a missing domain gets, and ListDomains leaves them out.

// domainField returns the index of the string field of an input type that names a domain (nil: none).
func domainField(t reflect.Type) []int {
	if t.Kind() != reflect.Struct {
		return nil
	}
	name := "Domain"
	if t == reflect.TypeFor[nameInput]() {
		name = "Name" // the domain operations name their domain so
	}
	f, ok := t.FieldByName(name)
	if !ok || f.Type.Kind() != reflect.String {
		return nil
	}
	return f.Index
}

// refuseInternal answers UnknownResourceFault for an input that names an internal domain.
func refuseInternal(in reflect.Value, field []int) error {
	if field == nil {
		return nil
	}
	if name := in.FieldByIndex(field).String(); openswf.InternalDomain(name) {
		return openswf.Errorf(openswf.KindUnknownResource, "Unknown domain: %s", name)
	}
	return nil
}

// visibleDomains drops internal domains from a list.
func visibleDomains(ds []*openswf.Domain) []*openswf.Domain {
	out := ds[:0:0]
	for _, d := range ds {
		if !openswf.InternalDomain(d.Name) {
			out = append(out, d)
		}
	}
	return out
}

// refuseInternalToken answers UnknownResourceFault for the task token of a task of an internal domain (a
// Step Functions activity task), which SWF's operations must not drive. A token the engine cannot open
// passes: the operation itself refuses it as it always has.
func (s *Service) refuseInternalToken(ctx context.Context, token string) error {
	if d, err := s.eng.TokenDomain(ctx, token); err == nil && openswf.InternalDomain(d) {
		return openswf.Errorf(openswf.KindUnknownResource, "Unknown activity task: not an SWF task")
	}
	return nil
}
