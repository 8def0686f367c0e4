package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/asl"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
)

// A state machine is a workflow type of the internal domain named after it, one version per revision of
// its definition ("1", "2", …). The current revision is the registered version; the earlier ones are
// deprecated, and stay for the executions that run them (DescribeStateMachineForExecution reads them). A
// deleted state machine has no registered version.

// machineAttributes are what a revision keeps beside its type record.
type machineAttributes struct {
	Definition  string                `json:"definition"`
	RoleArn     string                `json:"roleArn"`
	Logging     *loggingConfiguration `json:"loggingConfiguration,omitempty"`
	Tracing     *tracingConfiguration `json:"tracingConfiguration,omitempty"`
	RevisionID  string                `json:"revisionId"`
	Description string                `json:"description,omitempty"`
	// CreatedAt is the state machine's creation, UpdatedAt this revision's.
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

type loggingConfiguration struct {
	Level                string            `json:"level,omitempty"`
	IncludeExecutionData bool              `json:"includeExecutionData"`
	Destinations         []json.RawMessage `json:"destinations,omitempty"`
}

type tracingConfiguration struct {
	Enabled bool `json:"enabled"`
}

// machine is one revision of a state machine.
type machine struct {
	name, version string
	attrs         machineAttributes
	tags          []openswf.ResourceTag
}

func readMachine(t *openswf.TypeRecord) (*machine, error) {
	m := &machine{name: t.Name, version: t.Version, tags: t.Tags}
	if err := json.Unmarshal(t.Attributes, &m.attrs); err != nil {
		return nil, fmt.Errorf("read state machine %s revision %s: %w", t.Name, t.Version, err)
	}
	return m, nil
}

// currentMachine returns the current revision of a state machine; ErrNotFound when there is none.
func (s *Service) currentMachine(ctx context.Context, name string) (*machine, error) {
	ts, _, err := s.eng.ListTypes(ctx, openswf.KindWorkflowType, engine.ListTypesInput{
		Domain: Domain, Name: name, Status: openswf.StatusRegistered, PageSize: 1000,
	})
	if err != nil {
		return nil, err
	}
	var cur *openswf.TypeRecord
	for _, t := range ts {
		if cur == nil || revision(t.Version) > revision(cur.Version) {
			cur = t
		}
	}
	if cur == nil {
		return nil, openswf.ErrNotFound
	}
	return readMachine(cur)
}

// lastRevision is the highest revision a state machine of that name ever had, deleted ones included.
func (s *Service) lastRevision(ctx context.Context, name string) (int, error) {
	last := 0
	for _, status := range []openswf.RegistrationStatus{openswf.StatusRegistered, openswf.StatusDeprecated} {
		token := ""
		for {
			ts, next, err := s.eng.ListTypes(ctx, openswf.KindWorkflowType, engine.ListTypesInput{
				Domain: Domain, Name: name, Status: status, PageSize: 1000, NextPageToken: token,
			})
			if err != nil {
				return 0, err
			}
			for _, t := range ts {
				last = max(last, revision(t.Version))
			}
			if next == "" {
				break
			}
			token = next
		}
	}
	return last, nil
}

func revision(version string) int {
	n, _ := strconv.Atoi(version)
	return n
}

// machineByARN returns the current revision of the state machine an ARN names, answering InvalidArn or
// StateMachineDoesNotExist.
func (s *Service) machineByARN(ctx context.Context, arn string) (*machine, error) {
	p, err := s.parseARN(arn, arnStateMachine)
	if err != nil {
		return nil, err
	}
	if !p.local || !validName(p.names[0]) {
		return nil, machineDoesNotExist(arn)
	}
	m, err := s.currentMachine(ctx, p.names[0])
	if errors.Is(err, openswf.ErrNotFound) {
		return nil, machineDoesNotExist(arn)
	}
	return m, err
}

func machineDoesNotExist(arn string) error {
	return fault("StateMachineDoesNotExist", fmt.Sprintf("State Machine Does Not Exist: '%s'", arn))
}

// checkDefinition parses a definition, answering InvalidDefinition with AWS's message.
func (s *Service) checkDefinition(def string) (*asl.Machine, error) {
	m, err := asl.Parse(def)
	var de *asl.DefinitionError
	if errors.As(err, &de) {
		return nil, fault("InvalidDefinition", de.Error())
	}
	return m, err
}

// checkRoleArn answers InvalidArn for a role that is not an IAM role ARN.
func checkRoleArn(arn string) error {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return invalidArn(fmt.Sprintf("Invalid ARN prefix: %s", arn))
	}
	return nil
}

type createStateMachineInput struct {
	Name               string                   `json:"name"`
	Definition         string                   `json:"definition"`
	RoleArn            string                   `json:"roleArn"`
	Type               string                   `json:"type"`
	Logging            *loggingConfiguration    `json:"loggingConfiguration"`
	Tags               []tag                    `json:"tags"`
	Tracing            *tracingConfiguration    `json:"tracingConfiguration"`
	Publish            bool                     `json:"publish"`
	VersionDescription string                   `json:"versionDescription"`
	Encryption         *encryptionConfiguration `json:"encryptionConfiguration"`
}

type createStateMachineOutput struct {
	StateMachineArn string        `json:"stateMachineArn"`
	CreationDate    awsjson.Epoch `json:"creationDate"`
}

// createStateMachine creates a STANDARD state machine. A second call with the same name, definition and
// role answers the existing one, as AWS does; with another definition or role it is
// StateMachineAlreadyExists.
func (s *Service) createStateMachine(ctx context.Context, in *createStateMachineInput) (any, error) {
	if err := checkName(in.Name); err != nil {
		return nil, err
	}
	if in.Type == "EXPRESS" {
		return nil, fault("StateMachineTypeNotSupported", "EXPRESS state machines are not supported yet")
	}
	if in.Publish {
		return nil, awsjson.ValidationError("Publishing versions is not supported yet")
	}
	if in.Encryption != nil && in.Encryption.Type != "AWS_OWNED_KEY" {
		return nil, fault("InvalidEncryptionConfiguration",
			"Invalid Encryption Configuration: only AWS_OWNED_KEY is supported: this server has no KMS")
	}
	if len(in.Tags) > maxTags {
		return nil, fault("TooManyTags", fmt.Sprintf("Too many tags: at most %d tags are allowed", maxTags))
	}
	if err := checkRoleArn(in.RoleArn); err != nil {
		return nil, err
	}
	if _, err := s.checkDefinition(in.Definition); err != nil {
		return nil, err
	}
	arn := s.arn(arnStateMachine, in.Name)
	for {
		cur, err := s.currentMachine(ctx, in.Name)
		if err == nil {
			if cur.attrs.Definition != in.Definition || cur.attrs.RoleArn != in.RoleArn {
				return nil, fault("StateMachineAlreadyExists", fmt.Sprintf("State Machine Already Exists: '%s'", arn))
			}
			return &createStateMachineOutput{StateMachineArn: arn, CreationDate: awsjson.Epoch(cur.attrs.CreatedAt)}, nil
		}
		if !errors.Is(err, openswf.ErrNotFound) {
			return nil, err
		}
		if _, err := s.deleting(ctx, in.Name); err == nil {
			return nil, machineDeleting(arn)
		}
		last, err := s.lastRevision(ctx, in.Name)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		attrs := machineAttributes{Definition: in.Definition, RoleArn: in.RoleArn, Logging: in.Logging,
			Tracing: in.Tracing, RevisionID: newRevisionID(in.Name, last+1), CreatedAt: now, UpdatedAt: now}
		err = s.registerRevision(ctx, in.Name, last+1, attrs, resourceTags(in.Tags))
		if openswf.KindOf(err) == openswf.KindAlreadyExists {
			continue // another call registered that revision first: look again
		}
		if err != nil {
			return nil, err
		}
		return &createStateMachineOutput{StateMachineArn: arn, CreationDate: awsjson.Epoch(now)}, nil
	}
}

// newRevisionID names a revision: stable for the state machine's name and revision number.
func newRevisionID(name string, rev int) string {
	return fmt.Sprintf("%s-%d", name, rev)
}

// registerRevision registers revision rev of a state machine.
func (s *Service) registerRevision(ctx context.Context, name string, rev int, attrs machineAttributes, tags []openswf.ResourceTag) error {
	raw, err := json.Marshal(attrs)
	if err != nil {
		return err
	}
	return s.eng.RegisterType(ctx, openswf.KindWorkflowType, engine.RegisterTypeInput{
		Domain: Domain, Name: name, Version: strconv.Itoa(rev), Tags: tags, Attributes: raw,
	})
}

type stateMachineArnInput struct {
	StateMachineArn string `json:"stateMachineArn"`
}

type describeStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	IncludedData    string `json:"includedData"`
}

type describeStateMachineOutput struct {
	StateMachineArn string                `json:"stateMachineArn"`
	Name            string                `json:"name"`
	Status          string                `json:"status"`
	Definition      string                `json:"definition"`
	RoleArn         string                `json:"roleArn"`
	Type            string                `json:"type"`
	CreationDate    awsjson.Epoch         `json:"creationDate"`
	Logging         *loggingConfiguration `json:"loggingConfiguration"`
	Tracing         *tracingConfiguration `json:"tracingConfiguration"`
	RevisionID      string                `json:"revisionId,omitempty"`
}

func (s *Service) describeStateMachine(ctx context.Context, in *describeStateMachineInput) (any, error) {
	status := "ACTIVE"
	m, err := s.machineByARN(ctx, in.StateMachineArn)
	var f *awsjson.Fault
	if errors.As(err, &f) && f.Code() == "StateMachineDoesNotExist" {
		p, _ := s.parseARN(in.StateMachineArn, arnStateMachine)
		if p.local && validName(p.names[0]) {
			if d, derr := s.deleting(ctx, p.names[0]); derr == nil {
				m, err, status = d, nil, "DELETING"
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return &describeStateMachineOutput{
		StateMachineArn: s.arn(arnStateMachine, m.name), Name: m.name, Status: status,
		Definition: m.attrs.Definition, RoleArn: m.attrs.RoleArn, Type: "STANDARD",
		CreationDate: awsjson.Epoch(m.attrs.CreatedAt), Logging: logging(m.attrs.Logging),
		Tracing: tracing(m.attrs.Tracing), RevisionID: m.attrs.RevisionID,
	}, nil
}

// logging and tracing answer what AWS answers for a state machine created without them.
func logging(l *loggingConfiguration) *loggingConfiguration {
	if l == nil {
		return &loggingConfiguration{Level: "OFF"}
	}
	return l
}

func tracing(t *tracingConfiguration) *tracingConfiguration {
	if t == nil {
		return &tracingConfiguration{}
	}
	return t
}

type stateMachineListItem struct {
	StateMachineArn string        `json:"stateMachineArn"`
	Name            string        `json:"name"`
	Type            string        `json:"type"`
	CreationDate    awsjson.Epoch `json:"creationDate"`
}

type listStateMachinesOutput struct {
	StateMachines []stateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

// listStateMachines lists the state machines by name: the registered types are their current revisions.
func (s *Service) listStateMachines(ctx context.Context, in *listInput) (any, error) {
	size := in.MaxResults
	if size == 0 {
		size = defaultPage
	}
	ts, next, err := s.eng.ListTypes(ctx, openswf.KindWorkflowType, engine.ListTypesInput{
		Domain: Domain, Status: openswf.StatusRegistered, NextPageToken: in.NextToken, PageSize: size,
	})
	if openswf.KindOf(err) == openswf.KindValidation && in.NextToken != "" {
		return nil, fault("InvalidToken", fmt.Sprintf("Invalid Token: '%s'", in.NextToken))
	}
	if err != nil {
		return nil, err
	}
	out := &listStateMachinesOutput{StateMachines: make([]stateMachineListItem, 0, len(ts)), NextToken: next}
	for _, t := range ts {
		m, err := readMachine(t)
		if err != nil {
			return nil, err
		}
		if n := len(out.StateMachines); n > 0 && out.StateMachines[n-1].Name == m.name {
			continue // an update caught between registering a revision and retiring the one before
		}
		out.StateMachines = append(out.StateMachines, stateMachineListItem{
			StateMachineArn: s.arn(arnStateMachine, m.name), Name: m.name, Type: "STANDARD",
			CreationDate: awsjson.Epoch(m.attrs.CreatedAt),
		})
	}
	return out, nil
}

type updateStateMachineInput struct {
	StateMachineArn    string                   `json:"stateMachineArn"`
	Definition         *string                  `json:"definition"`
	RoleArn            *string                  `json:"roleArn"`
	Logging            *loggingConfiguration    `json:"loggingConfiguration"`
	Tracing            *tracingConfiguration    `json:"tracingConfiguration"`
	Publish            bool                     `json:"publish"`
	VersionDescription string                   `json:"versionDescription"`
	Encryption         *encryptionConfiguration `json:"encryptionConfiguration"`
}

type updateStateMachineOutput struct {
	UpdateDate awsjson.Epoch `json:"updateDate"`
	RevisionID string        `json:"revisionId,omitempty"`
}

// updateStateMachine registers a new revision and retires the current one: executions already running
// keep the revision they started with, as on AWS.
func (s *Service) updateStateMachine(ctx context.Context, in *updateStateMachineInput) (any, error) {
	if in.Definition == nil && in.RoleArn == nil && in.Logging == nil && in.Tracing == nil && in.Encryption == nil {
		return nil, fault("MissingRequiredParameter",
			"Either the definition, the roleArn, the loggingConfiguration, the tracingConfiguration or the encryptionConfiguration must be specified")
	}
	if in.Publish {
		return nil, awsjson.ValidationError("Publishing versions is not supported yet")
	}
	if in.Encryption != nil && in.Encryption.Type != "AWS_OWNED_KEY" {
		return nil, fault("InvalidEncryptionConfiguration",
			"Invalid Encryption Configuration: only AWS_OWNED_KEY is supported: this server has no KMS")
	}
	if in.RoleArn != nil {
		if err := checkRoleArn(*in.RoleArn); err != nil {
			return nil, err
		}
	}
	if in.Definition != nil {
		if _, err := s.checkDefinition(*in.Definition); err != nil {
			return nil, err
		}
	}
	for {
		cur, err := s.machineByARN(ctx, in.StateMachineArn)
		if err != nil {
			return nil, err
		}
		attrs := cur.attrs
		if in.Definition != nil {
			attrs.Definition = *in.Definition
		}
		if in.RoleArn != nil {
			attrs.RoleArn = *in.RoleArn
		}
		if in.Logging != nil {
			attrs.Logging = in.Logging
		}
		if in.Tracing != nil {
			attrs.Tracing = in.Tracing
		}
		rev := revision(cur.version) + 1
		attrs.RevisionID = newRevisionID(cur.name, rev)
		attrs.UpdatedAt = time.Now()
		err = s.registerRevision(ctx, cur.name, rev, attrs, cur.tags)
		if openswf.KindOf(err) == openswf.KindAlreadyExists {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := s.retire(ctx, cur.name, cur.version); err != nil {
			return nil, err
		}
		return &updateStateMachineOutput{UpdateDate: awsjson.Epoch(attrs.UpdatedAt), RevisionID: attrs.RevisionID}, nil
	}
}

// retire deprecates a revision; one already deprecated is fine.
func (s *Service) retire(ctx context.Context, name, version string) error {
	err := s.eng.DeprecateType(ctx, openswf.KindWorkflowType, Domain, name, version)
	if err != nil && !isAny(err, openswf.KindDeprecated, openswf.KindUnknownResource) {
		return err
	}
	return nil
}

// deletedMark is the description of the revisions of a deleted state machine: the decider reads it at every
// transition of their executions, from the engine's type cache, and fails them.
const deletedMark = "openswf: state machine deleted"

// deleteStateMachine deletes a state machine as AWS does: no new execution starts, DescribeStateMachine says
// DELETING while executions run, and each running execution fails at its next transition with
// States.Runtime. Deleting a state machine that does not exist succeeds.
func (s *Service) deleteStateMachine(ctx context.Context, in *stateMachineArnInput) (any, error) {
	m, err := s.machineByARN(ctx, in.StateMachineArn)
	if err != nil {
		var f *awsjson.Fault
		if errors.As(err, &f) && f.Code() == "StateMachineDoesNotExist" {
			return empty{}, nil
		}
		return nil, err
	}
	// Every revision, those executions still run included, is marked; the registered ones (an update may
	// have been caught halfway) are retired.
	for _, status := range []openswf.RegistrationStatus{openswf.StatusDeprecated, openswf.StatusRegistered} {
		token := ""
		for {
			ts, next, err := s.eng.ListTypes(ctx, openswf.KindWorkflowType, engine.ListTypesInput{
				Domain: Domain, Name: m.name, Status: status, PageSize: 1000, NextPageToken: token,
			})
			if err != nil {
				return nil, err
			}
			for _, t := range ts {
				if t.Description == deletedMark {
					continue // a state machine of that name deleted before
				}
				mark := deletedMark
				if err := s.eng.SetTypeAttributes(ctx, openswf.KindWorkflowType, Domain, t.Name, t.Version, t.Tags, t.Attributes, &mark); err != nil {
					return nil, err
				}
				if err := s.retire(ctx, t.Name, t.Version); err != nil {
					return nil, err
				}
			}
			if next == "" {
				break
			}
			token = next
		}
	}
	return empty{}, nil
}

// deleting returns the last revision of a deleted state machine whose executions still run; ErrNotFound
// when there is none.
func (s *Service) deleting(ctx context.Context, name string) (*machine, error) {
	last, err := s.lastRevision(ctx, name)
	if err != nil || last == 0 {
		return nil, openswf.ErrNotFound
	}
	t, err := s.eng.DescribeType(ctx, openswf.KindWorkflowType, Domain, name, strconv.Itoa(last))
	if err != nil || t.Description != deletedMark {
		return nil, openswf.ErrNotFound
	}
	xs, _, err := s.eng.ListExecutions(ctx, true, engine.VisibilityInput{Domain: Domain,
		StartTimeFilter: &engine.TimeFilter{Oldest: time.Unix(0, 0)}, TypeFilter: &openswf.WorkflowType{Name: name}, PageSize: 1})
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, openswf.ErrNotFound
	}
	return readMachine(t)
}

// machineDeleting is StateMachineDeleting for a state machine ARN.
func machineDeleting(arn string) error {
	return fault("StateMachineDeleting", fmt.Sprintf("State Machine Is Being Deleted: '%s'", arn))
}

type validateInput struct {
	Definition string `json:"definition"`
	Type       string `json:"type"`
	Severity   string `json:"severity"`
	MaxResults int    `json:"maxResults"`
}

type validateOutput struct {
	Result      string           `json:"result"`
	Diagnostics []asl.Diagnostic `json:"diagnostics"`
	Truncated   bool             `json:"truncated"`
}

// validateDefinition answers what CreateStateMachine would find wrong with a definition.
func (s *Service) validateDefinition(_ context.Context, in *validateInput) (any, error) {
	ds := asl.Validate(in.Definition)
	if in.Severity == "ERROR" {
		ds = slices.DeleteFunc(ds, func(d asl.Diagnostic) bool { return d.Severity != "ERROR" })
	}
	out := &validateOutput{Result: "OK", Diagnostics: ds}
	if out.Diagnostics == nil {
		out.Diagnostics = []asl.Diagnostic{}
	}
	for _, d := range ds {
		if d.Severity == "ERROR" {
			out.Result = "FAIL"
		}
	}
	limit := in.MaxResults
	if limit == 0 {
		limit = 100
	}
	if len(out.Diagnostics) > limit {
		out.Diagnostics, out.Truncated = out.Diagnostics[:limit], true
	}
	return out, nil
}
