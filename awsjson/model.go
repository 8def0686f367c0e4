package awsjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Model is an AWS service model (botocore's service-2.json format) compiled for request validation: every
// shape is resolved once, at ParseModel time, into a graph of constraints that Validate walks without
// looking anything up by name.
//
// A Model is immutable after ParseModel and safe for concurrent use.
type Model struct {
	targetPrefix string
	signingName  string
	operations   map[string]*operation
	opNames      []string // sorted
	errorShapes  []string // sorted
}

// operation is one compiled operation of a Model.
type operation struct {
	input  *shape // nil: the operation takes no input
	errors []string
}

// rawModel is the subset of the service-2.json format that ParseModel reads.
type rawModel struct {
	Metadata struct {
		TargetPrefix   string `json:"targetPrefix"`
		SigningName    string `json:"signingName"`
		EndpointPrefix string `json:"endpointPrefix"`
	} `json:"metadata"`
	Operations map[string]rawOperation `json:"operations"`
	Shapes     map[string]rawShape     `json:"shapes"`
}

// rawOperation is one entry of a model's "operations".
type rawOperation struct {
	Input  *rawRef  `json:"input"`
	Output *rawRef  `json:"output"`
	Errors []rawRef `json:"errors"`
}

// rawRef names a shape.
type rawRef struct {
	Shape string `json:"shape"`
}

// rawMember is one member of a structure shape.
type rawMember struct {
	Shape string `json:"shape"`
	// LocationName, when set, is the member's name on the wire (botocore serialises JSON members by it).
	LocationName string `json:"locationName"`
}

// rawShape is one entry of a model's "shapes".
type rawShape struct {
	Type      string               `json:"type"`
	Required  []string             `json:"required"`
	Members   map[string]rawMember `json:"members"`
	Member    *rawRef              `json:"member"`
	Key       *rawRef              `json:"key"`
	Value     *rawRef              `json:"value"`
	Min       *json.Number         `json:"min"`
	Max       *json.Number         `json:"max"`
	Enum      []string             `json:"enum"`
	Pattern   *string              `json:"pattern"`
	Exception bool                 `json:"exception"`
	Sensitive bool                 `json:"sensitive"`
	Document  bool                 `json:"document"`
}

// ParseModel parses and compiles an AWS service model in botocore's service-2.json format.
func ParseModel(data []byte) (*Model, error) {
	var raw rawModel
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse model: %w", err)
	}
	if raw.Metadata.TargetPrefix == "" {
		return nil, errors.New("parse model: metadata.targetPrefix is missing")
	}
	if len(raw.Operations) == 0 {
		return nil, errors.New("parse model: no operations")
	}

	shapes, err := compileShapes(raw.Shapes)
	if err != nil {
		return nil, fmt.Errorf("parse model: %w", err)
	}

	m := &Model{
		targetPrefix: raw.Metadata.TargetPrefix,
		signingName:  raw.Metadata.SigningName,
		operations:   make(map[string]*operation, len(raw.Operations)),
	}
	errorSet := make(map[string]bool)
	for name, s := range raw.Shapes {
		if s.Exception {
			errorSet[name] = true
		}
	}
	for name, ro := range raw.Operations {
		op := &operation{}
		if ro.Input != nil {
			in, ok := shapes[ro.Input.Shape]
			if !ok {
				return nil, fmt.Errorf("parse model: operation %s: unknown input shape %q", name, ro.Input.Shape)
			}
			if in.kind != kindStructure {
				return nil, fmt.Errorf("parse model: operation %s: input shape %q is a %s, not a structure", name, ro.Input.Shape, in.kind)
			}
			op.input = in
		}
		if ro.Output != nil {
			if _, ok := shapes[ro.Output.Shape]; !ok {
				return nil, fmt.Errorf("parse model: operation %s: unknown output shape %q", name, ro.Output.Shape)
			}
		}
		for _, e := range ro.Errors {
			if _, ok := shapes[e.Shape]; !ok {
				return nil, fmt.Errorf("parse model: operation %s: unknown error shape %q", name, e.Shape)
			}
			op.errors = append(op.errors, e.Shape)
			errorSet[e.Shape] = true
		}
		m.operations[name] = op
		m.opNames = append(m.opNames, name)
	}
	if m.signingName == "" {
		// botocore's rule: a model without signingName signs with its endpoint prefix.
		m.signingName = raw.Metadata.EndpointPrefix
	}
	sort.Strings(m.opNames)
	for name := range errorSet {
		m.errorShapes = append(m.errorShapes, name)
	}
	sort.Strings(m.errorShapes)
	return m, nil
}

// TargetPrefix returns the X-Amz-Target prefix of the service, e.g. "SimpleWorkflowService".
func (m *Model) TargetPrefix() string { return m.targetPrefix }

// SigningName returns the service name of the model's SigV4 credential scope, e.g. "swf" or "states" (the
// model's signingName, or its endpointPrefix when it has none, as botocore reads it); "" if it has neither.
func (m *Model) SigningName() string { return m.signingName }

// Operations returns the names of the model's operations, sorted.
func (m *Model) Operations() []string { return slices.Clone(m.opNames) }

// HasOperation reports whether the model defines the named operation.
func (m *Model) HasOperation(op string) bool {
	_, ok := m.operations[op]
	return ok
}

// Errors returns the names of the error shapes the named operation is modeled to return, in model order;
// nil for an unknown operation.
func (m *Model) Errors(op string) []string {
	o, ok := m.operations[op]
	if !ok {
		return nil
	}
	return slices.Clone(o.errors)
}

// ErrorShapes returns the names of every error shape of the model (shapes marked as exceptions, and any shape
// an operation lists as an error), sorted.
func (m *Model) ErrorShapes() []string { return slices.Clone(m.errorShapes) }

// compileShapes resolves raw shapes into a graph of *shape. It runs in two passes so that recursive shapes
// (a structure reachable from itself) resolve to the same node.
func compileShapes(raw map[string]rawShape) (map[string]*shape, error) {
	shapes := make(map[string]*shape, len(raw))
	for name, rs := range raw {
		k, err := parseKind(rs)
		if err != nil {
			return nil, fmt.Errorf("shape %s: %w", name, err)
		}
		shapes[name] = &shape{name: name, kind: k, sensitive: rs.Sensitive}
	}
	ref := func(owner, role string, r *rawRef) (*shape, error) {
		if r == nil {
			return nil, fmt.Errorf("shape %s: missing %s", owner, role)
		}
		s, ok := shapes[r.Shape]
		if !ok {
			return nil, fmt.Errorf("shape %s: %s names unknown shape %q", owner, role, r.Shape)
		}
		return s, nil
	}
	for name, rs := range raw {
		s := shapes[name]
		var err error
		switch s.kind {
		case kindStructure:
			err = s.compileMembers(rs, shapes)
		case kindList:
			s.item, err = ref(name, "member", rs.Member)
		case kindMap:
			if s.key, err = ref(name, "key", rs.Key); err == nil {
				s.value, err = ref(name, "value", rs.Value)
			}
		}
		if err != nil {
			return nil, err
		}
		if err := s.compileConstraints(rs); err != nil {
			return nil, fmt.Errorf("shape %s: %w", name, err)
		}
	}
	return shapes, nil
}

// compileMembers fills in a structure's members, sorted by wire name so that violations are reported in a
// deterministic order.
func (s *shape) compileMembers(rs rawShape, shapes map[string]*shape) error {
	required := make(map[string]bool, len(rs.Required))
	for _, name := range rs.Required {
		if _, ok := rs.Members[name]; !ok {
			return fmt.Errorf("shape %s: required member %s is not a member", s.name, name)
		}
		required[name] = true
	}
	for name, rm := range rs.Members {
		ms, ok := shapes[rm.Shape]
		if !ok {
			return fmt.Errorf("shape %s: member %s names unknown shape %q", s.name, name, rm.Shape)
		}
		wire := name
		if rm.LocationName != "" {
			wire = rm.LocationName
		}
		s.members = append(s.members, member{name: wire, shape: ms, required: required[name]})
	}
	sort.Slice(s.members, func(i, j int) bool { return s.members[i].name < s.members[j].name })
	return nil
}

// compileConstraints fills in min, max, enum and pattern.
func (s *shape) compileConstraints(rs rawShape) error {
	var err error
	if rs.Min != nil {
		if s.min, err = parseBound(*rs.Min); err != nil {
			return fmt.Errorf("min: %w", err)
		}
	}
	if rs.Max != nil {
		if s.max, err = parseBound(*rs.Max); err != nil {
			return fmt.Errorf("max: %w", err)
		}
	}
	if len(rs.Enum) > 0 && s.kind == kindString {
		s.enum = make(map[string]struct{}, len(rs.Enum))
		for _, v := range rs.Enum {
			s.enum[v] = struct{}{}
		}
		s.enumText = "[" + strings.Join(rs.Enum, ", ") + "]" // the way Java prints a list
	}
	if rs.Pattern != nil && s.kind == kindString {
		// AWS's validators match the whole value (Java's Matcher.matches), so the pattern is anchored here;
		// Smithy's "not implicitly anchored" rule only differs for patterns that AWS's own models do not use.
		// Patterns Go's RE2 cannot compile (lookaheads such as Step Functions' CharacterRestrictedName) are
		// skipped: the API package checks those rules itself if they matter.
		if re, err := regexp.Compile(`^(?:` + *rs.Pattern + `)$`); err == nil {
			s.pattern = re
			s.patternText = *rs.Pattern
		}
	}
	return nil
}
