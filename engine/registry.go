package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/openswf/openswf"
)

// RegisterDomainInput registers a domain. Like every request of the engine it is no wire shape: each API
// decodes its own and fills this in.
type RegisterDomainInput struct {
	Name          string
	Description   string
	RetentionDays string
	Tags          []openswf.ResourceTag
}

// RegisterDomain registers a new domain.
func (e *Engine) RegisterDomain(ctx context.Context, in RegisterDomainInput) error {
	if err := checkName("name", in.Name); err != nil {
		return err
	}
	if in.RetentionDays != "NONE" {
		n, err := strconv.Atoi(in.RetentionDays)
		if err != nil || n < 0 || n > 90 {
			return invalid("workflowExecutionRetentionPeriodInDays", in.RetentionDays, "Member must be NONE or a number of days from 0 to 90")
		}
	}
	if len(in.Tags) > maxDomainTags {
		return &openswf.Error{Kind: openswf.KindTooManyTags, Message: fmt.Sprintf("A domain can have at most %d tags", maxDomainTags)}
	}
	d := &openswf.Domain{
		Name: in.Name, Description: in.Description, Status: openswf.StatusRegistered,
		RetentionDays: in.RetentionDays, Tags: in.Tags, CreatedAt: e.clock.Now(),
	}
	err := e.store.CreateDomain(ctx, d)
	if errors.Is(err, openswf.ErrExists) {
		return &openswf.Error{Kind: openswf.KindAlreadyExists, Resource: "domain", Message: "Domain already exists: " + in.Name}
	}
	if err != nil {
		return fmt.Errorf("create domain: %w", err)
	}
	return nil
}

// DescribeDomain returns a domain in any status.
func (e *Engine) DescribeDomain(ctx context.Context, name string) (*openswf.Domain, error) {
	d, err := e.store.GetDomain(ctx, name)
	if errors.Is(err, openswf.ErrNotFound) {
		return nil, unknown("Unknown domain: %s", name)
	}
	return d, err
}

// registeredDomain returns a domain that may be used: it exists and is not deprecated.
func (e *Engine) registeredDomain(ctx context.Context, name string) (*openswf.Domain, error) {
	d, err := e.domain(ctx, name)
	if err != nil {
		return nil, err
	}
	if d.Status != openswf.StatusRegistered {
		return nil, unknown("Domain is deprecated: %s", name)
	}
	return d, nil
}

// DeprecateDomain deprecates a registered domain.
func (e *Engine) DeprecateDomain(ctx context.Context, name string) error {
	d, err := e.DescribeDomain(ctx, name)
	if err != nil {
		return err
	}
	if d.Status == openswf.StatusDeprecated {
		return &openswf.Error{Kind: openswf.KindDeprecated, Resource: "domain", Message: "Domain is already deprecated: " + name}
	}
	d.Status = openswf.StatusDeprecated
	defer e.forgetDomain(name)
	return e.store.UpdateDomain(ctx, d)
}

// UndeprecateDomain registers a deprecated domain again.
func (e *Engine) UndeprecateDomain(ctx context.Context, name string) error {
	d, err := e.DescribeDomain(ctx, name)
	if err != nil {
		return err
	}
	if d.Status == openswf.StatusRegistered {
		return &openswf.Error{Kind: openswf.KindAlreadyExists, Resource: "domain", Message: "Domain is already registered: " + name}
	}
	d.Status = openswf.StatusRegistered
	defer e.forgetDomain(name)
	return e.store.UpdateDomain(ctx, d)
}

// ListDomainsInput asks for a page of the domains of one status.
type ListDomainsInput struct {
	Status        openswf.RegistrationStatus
	NextPageToken string
	PageSize      int
	Reverse       bool
}

// ListDomains lists domains of one status, a page at a time.
func (e *Engine) ListDomains(ctx context.Context, in ListDomainsInput) ([]*openswf.Domain, string, error) {
	// The token is bound to the query it pages, so that reusing it with other parameters is an error
	// rather than a silently wrong page.
	query := fmt.Sprintf("%s\x00%t\x00", in.Status, in.Reverse)
	after := ""
	if in.NextPageToken != "" {
		p, err := e.tokens.open(purposeDomains, in.NextPageToken)
		rest, ok := strings.CutPrefix(string(p), query)
		if err != nil || !ok {
			return nil, "", validation("Invalid nextPageToken")
		}
		after = rest
	}
	limit := pageSize(in.PageSize)
	ds, err := e.store.ListDomains(ctx, in.Status, after, limit+1, in.Reverse)
	if err != nil {
		return nil, "", fmt.Errorf("list domains: %w", err)
	}
	next := ""
	if len(ds) > limit {
		ds = ds[:limit]
		next = e.tokens.seal(purposeDomains, []byte(query+ds[limit-1].Name))
	}
	return ds, next, nil
}

// RegisterTypeInput is RegisterActivityType's and RegisterWorkflowType's input. It is no wire shape: each API
// decodes its own and fills this in.
type RegisterTypeInput struct {
	Domain       string
	Name         string
	Version      string
	Description  string
	TaskList     *openswf.TaskList
	Priority     string
	StartToClose string
	// Activity types.
	Heartbeat       string
	ScheduleToStart string
	ScheduleToClose string
	// Workflow types.
	ExecutionStartToClose string
	ChildPolicy           string
	LambdaRole            string
	// Tags and Attributes of a type of an internal domain (see openswf.TypeRecord).
	Tags       []openswf.ResourceTag
	Attributes json.RawMessage
}

// RegisterType registers an activity or workflow type.
func (e *Engine) RegisterType(ctx context.Context, kind openswf.TypeKind, in RegisterTypeInput) error {
	tl := ""
	if in.TaskList != nil {
		tl = in.TaskList.Name
	}
	if err := firstErr(
		checkName("name", in.Name), checkName("version", in.Version),
		checkTaskList("defaultTaskList.name", in.TaskList),
		checkPriority("defaultTaskPriority", in.Priority),
		checkTimeout("defaultTaskStartToCloseTimeout", in.StartToClose),
		checkTimeout("defaultTaskHeartbeatTimeout", in.Heartbeat),
		checkTimeout("defaultTaskScheduleToStartTimeout", in.ScheduleToStart),
		checkTimeout("defaultTaskScheduleToCloseTimeout", in.ScheduleToClose),
		checkExecutionTimeout("defaultExecutionStartToCloseTimeout", in.ExecutionStartToClose),
	); err != nil {
		return err
	}
	if _, err := e.registeredDomain(ctx, in.Domain); err != nil {
		return err
	}
	t := &openswf.TypeRecord{
		Domain: in.Domain, Kind: kind, Name: in.Name, Version: in.Version, Description: in.Description,
		Status: openswf.StatusRegistered, CreatedAt: e.clock.Now(),
		DefaultTaskList: tl, DefaultPriority: in.Priority, DefaultStartToClose: in.StartToClose,
		DefaultHeartbeat: in.Heartbeat, DefaultScheduleToStart: in.ScheduleToStart, DefaultScheduleToClose: in.ScheduleToClose,
		DefaultExecutionStartToClose: in.ExecutionStartToClose, DefaultChildPolicy: in.ChildPolicy, DefaultLambdaRole: in.LambdaRole,
		Tags: in.Tags, Attributes: in.Attributes,
	}
	err := e.store.CreateType(ctx, t)
	if errors.Is(err, openswf.ErrExists) {
		return &openswf.Error{Kind: openswf.KindAlreadyExists, Resource: "type",
			Message: fmt.Sprintf("Type already exists: %s %s/%s", kind, in.Name, in.Version)}
	}
	if err != nil {
		return fmt.Errorf("create type: %w", err)
	}
	return nil
}

func checkTaskList(member string, tl *openswf.TaskList) error {
	if tl == nil {
		return nil
	}
	return checkName(member, tl.Name)
}

// DescribeType returns a registered type in any status.
func (e *Engine) DescribeType(ctx context.Context, kind openswf.TypeKind, domain, name, version string) (*openswf.TypeRecord, error) {
	if _, err := e.domain(ctx, domain); err != nil {
		return nil, err
	}
	t, err := e.store.GetType(ctx, domain, kind, name, version)
	if errors.Is(err, openswf.ErrNotFound) {
		return nil, unknown("Unknown type: %s %s/%s", kind, name, version)
	}
	return t, err
}

// DeprecateType deprecates a registered type.
func (e *Engine) DeprecateType(ctx context.Context, kind openswf.TypeKind, domain, name, version string) error {
	t, err := e.DescribeType(ctx, kind, domain, name, version)
	if err != nil {
		return err
	}
	if t.Status == openswf.StatusDeprecated {
		return &openswf.Error{Kind: openswf.KindDeprecated, Resource: "type", Message: fmt.Sprintf("Type is already deprecated: %s/%s", name, version)}
	}
	t.Status = openswf.StatusDeprecated
	t.DeprecatedAt = e.clock.Now()
	defer e.forgetType(domain, kind, name, version)
	return e.store.UpdateType(ctx, t)
}

// UndeprecateType registers a deprecated type again.
func (e *Engine) UndeprecateType(ctx context.Context, kind openswf.TypeKind, domain, name, version string) error {
	t, err := e.DescribeType(ctx, kind, domain, name, version)
	if err != nil {
		return err
	}
	if t.Status == openswf.StatusRegistered {
		return &openswf.Error{Kind: openswf.KindAlreadyExists, Resource: "type", Message: fmt.Sprintf("Type is already registered: %s/%s", name, version)}
	}
	t.Status = openswf.StatusRegistered
	t.DeprecatedAt = openswf.TypeRecord{}.DeprecatedAt
	defer e.forgetType(domain, kind, name, version)
	return e.store.UpdateType(ctx, t)
}

// DeleteType deletes a deprecated type.
func (e *Engine) DeleteType(ctx context.Context, kind openswf.TypeKind, domain, name, version string) error {
	t, err := e.DescribeType(ctx, kind, domain, name, version)
	if err != nil {
		return err
	}
	if t.Status != openswf.StatusDeprecated {
		return &openswf.Error{Kind: openswf.KindNotDeprecated, Resource: "type", Message: fmt.Sprintf("Type is not deprecated: %s/%s", name, version)}
	}
	defer e.forgetType(domain, kind, name, version)
	return e.store.DeleteType(ctx, domain, kind, name, version)
}

// ListTypesInput asks for a page of the activity or workflow types of a domain.
type ListTypesInput struct {
	Domain        string
	Name          string
	Status        openswf.RegistrationStatus
	NextPageToken string
	PageSize      int
	Reverse       bool
}

// ListTypes lists registered types a page at a time.
func (e *Engine) ListTypes(ctx context.Context, kind openswf.TypeKind, in ListTypesInput) ([]*openswf.TypeRecord, string, error) {
	if _, err := e.DescribeDomain(ctx, in.Domain); err != nil {
		return nil, "", err
	}
	q := openswf.TypeListQuery{Domain: in.Domain, Kind: kind, Status: in.Status, Name: in.Name, Reverse: in.Reverse}
	query := fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%t\x00", in.Domain, kind, in.Status, in.Name, in.Reverse)
	if in.NextPageToken != "" {
		p, err := e.tokens.open(purposeTypes, in.NextPageToken)
		rest, bound := strings.CutPrefix(string(p), query)
		name, version, ok := cutNUL(rest)
		if err != nil || !bound || !ok {
			return nil, "", validation("Invalid nextPageToken")
		}
		q.After = &openswf.TypeRecord{Name: name, Version: version}
	}
	limit := pageSize(in.PageSize)
	q.Limit = limit + 1
	ts, err := e.store.ListTypes(ctx, q)
	if err != nil {
		return nil, "", fmt.Errorf("list types: %w", err)
	}
	next := ""
	if len(ts) > limit {
		ts = ts[:limit]
		last := ts[limit-1]
		next = e.tokens.seal(purposeTypes, []byte(query+last.Name+"\x00"+last.Version))
	}
	return ts, next, nil
}

func cutNUL(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}
