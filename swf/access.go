package swf

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
)

// Access control (Options.Authorizer): every operation is the IAM action "swf:<Operation>" on the ARN of
// the domain it acts on (arn:aws:swf:<region>:<account>:/domain/<name>; "*" for ListDomains, which no
// domain narrows; the resource's own ARN for the tag operations), with the condition keys AWS's SWF IAM
// page lists for it. Task-token operations act on the domain the token belongs to. Decisions are pseudo-
// actions ("swf:ScheduleActivityTask", …) checked against the principal that answers the decision task: a
// denied decision records OPERATION_NOT_PERMITTED and the rest of the batch goes on.

// accessCheck is an operation's access check.
type accessCheck struct {
	s  *Service
	op string
}

// withAccess marks an operation so that its typed handler checks access (see handle).
func (s *Service) withAccess(op string, o awsjson.Operation) awsjson.Operation {
	return awsjson.Annotate(o, &accessCheck{s: s, op: op})
}

// checkAccess asks the authorizer whether the request's caller may take the operation with this input;
// nil when access control is off.
func checkAccess(ctx context.Context, in any) error {
	c, _ := awsjson.OperationValue(ctx).(*accessCheck)
	if c == nil {
		return nil
	}
	req, err := c.s.accessRequest(ctx, c.op, in)
	if err != nil {
		return err
	}
	return c.s.opts.Authorizer.Authorize(ctx, req)
}

// accessKeyed is an input that sets condition keys.
type accessKeyed interface {
	accessKeys() map[string][]string
}

// accessRequest is what the operation asks of access control.
func (s *Service) accessRequest(ctx context.Context, op string, in any) (openswf.AccessRequest, error) {
	req := openswf.AccessRequest{Action: "swf:" + op, Resource: "*"}
	f := inputFieldsOf(reflect.TypeOf(in).Elem())
	v := reflect.ValueOf(in).Elem()
	switch {
	case f.domain != nil:
		req.Resource = s.domainARN(v.FieldByIndex(f.domain).String())
	case f.token != nil:
		d, err := s.eng.TokenDomain(ctx, v.FieldByIndex(f.token).String())
		if err != nil {
			return req, err // a token the engine cannot open: the operation's own fault
		}
		req.Resource = s.domainARN(d)
	case f.arn != nil:
		req.Resource = v.FieldByIndex(f.arn).String()
	}
	if k, ok := in.(accessKeyed); ok {
		req.Context = k.accessKeys()
	}
	return req, nil
}

// inputFields are the fields of an input type that name what access control checks.
type inputFields struct {
	domain, token, arn []int
}

// inputFieldsCache holds the inputFields of each input type.
var inputFieldsCache sync.Map // reflect.Type → inputFields

func inputFieldsOf(t reflect.Type) inputFields {
	if f, ok := inputFieldsCache.Load(t); ok {
		return f.(inputFields)
	}
	var f inputFields
	f.domain = domainField(t)
	if t == reflect.TypeFor[registerDomainInput]() {
		sf, _ := t.FieldByName("Name") // the domain it registers
		f.domain = sf.Index
	}
	if sf, ok := t.FieldByName("TaskToken"); ok && sf.Type.Kind() == reflect.String {
		f.token = sf.Index
	}
	if sf, ok := t.FieldByName("ResourceArn"); ok && sf.Type.Kind() == reflect.String {
		f.arn = sf.Index
	}
	inputFieldsCache.Store(t, f)
	return f
}

// notPermitted checks each decision of a decision task against its decider, as the pseudo-action
// "swf:<DecisionType>" on the run's domain.
func (s *Service) notPermitted(ctx context.Context, token string, ds []openswf.Decision) ([]bool, error) {
	if _, on := awsjson.OperationValue(ctx).(*accessCheck); !on || len(ds) == 0 {
		return nil, nil
	}
	d, err := s.eng.TokenDomain(ctx, token)
	if err != nil {
		return nil, nil // the engine refuses the token itself
	}
	denied := make([]bool, len(ds))
	for i := range ds {
		err := s.opts.Authorizer.Authorize(ctx, openswf.AccessRequest{
			Action: "swf:" + string(ds[i].Type), Resource: s.domainARN(d), Context: decisionKeys(&ds[i]),
		})
		switch {
		case openswf.KindOf(err) == openswf.KindOperationNotPermitted:
			denied[i] = true
		case err != nil:
			return nil, err
		}
	}
	return denied, nil
}

// tagListKeys are the swf:tagList.member.N keys of a tag list.
func tagListKeys(keys map[string][]string, tags []string) {
	for i, t := range tags {
		keys[fmt.Sprintf("swf:tagList.member.%d", i)] = []string{t}
	}
}

// decisionKeys are the condition keys of a decision. Access is checked before the engine validates the
// decisions, so a decision's attributes may be absent: ContinueAsNewWorkflowExecution's are optional (it then
// has no keys), and a decision whose required attributes are missing has none either and is answered a
// ValidationException by the engine.
func decisionKeys(d *openswf.Decision) map[string][]string {
	keys := map[string][]string{}
	switch d.Type {
	case openswf.DecisionScheduleActivityTask:
		a := d.ScheduleActivityTask
		if a == nil {
			break
		}
		keys["swf:activityType.name"] = []string{a.ActivityType.Name}
		keys["swf:activityType.version"] = []string{a.ActivityType.Version}
		if a.TaskList != nil {
			keys["swf:taskList.name"] = []string{a.TaskList.Name}
		}
	case openswf.DecisionStartChildWorkflowExecution:
		a := d.StartChildWorkflowExecution
		if a == nil {
			break
		}
		keys["swf:workflowType.name"] = []string{a.WorkflowType.Name}
		keys["swf:workflowType.version"] = []string{a.WorkflowType.Version}
		if a.TaskList != nil {
			keys["swf:taskList.name"] = []string{a.TaskList.Name}
		}
		tagListKeys(keys, a.TagList)
	case openswf.DecisionContinueAsNewWorkflowExecution:
		a := d.ContinueAsNewWorkflowExecution
		if a == nil {
			break
		}
		if a.WorkflowTypeVersion != "" {
			keys["swf:workflowType.version"] = []string{a.WorkflowTypeVersion}
		}
		if a.TaskList != nil {
			keys["swf:taskList.name"] = []string{a.TaskList.Name}
		}
		tagListKeys(keys, a.TagList)
	}
	return keys
}

func (in *pollActivityInput) accessKeys() map[string][]string {
	return map[string][]string{"swf:taskList.name": {in.TaskList.Name}}
}

func (in *pollDecisionInput) accessKeys() map[string][]string {
	return map[string][]string{"swf:taskList.name": {in.TaskList.Name}}
}

func (in *countPendingInput) accessKeys() map[string][]string {
	return map[string][]string{"swf:taskList.name": {in.TaskList.Name}}
}

func (in *startWorkflowInput) accessKeys() map[string][]string {
	keys := map[string][]string{
		"swf:workflowType.name": {in.WorkflowType.Name}, "swf:workflowType.version": {in.WorkflowType.Version},
	}
	if in.TaskList != nil {
		keys["swf:taskList.name"] = []string{in.TaskList.Name}
	}
	tagListKeys(keys, in.TagList)
	return keys
}

func (in *activityTypeInput) accessKeys() map[string][]string {
	return map[string][]string{
		"swf:activityType.name": {in.ActivityType.Name}, "swf:activityType.version": {in.ActivityType.Version},
	}
}

func (in *workflowTypeInput) accessKeys() map[string][]string {
	return map[string][]string{
		"swf:workflowType.name": {in.WorkflowType.Name}, "swf:workflowType.version": {in.WorkflowType.Version},
	}
}

// registerKeys are the condition keys of RegisterActivityType and RegisterWorkflowType.
func registerKeys(name, version string, tl *openswf.TaskList) map[string][]string {
	keys := map[string][]string{"swf:name": {name}, "swf:version": {version}}
	if tl != nil {
		keys["swf:defaultTaskList.name"] = []string{tl.Name}
	}
	return keys
}

// filterKeys are the condition keys of the visibility operations' filters.
func filterKeys(tf *openswf.WorkflowType, tag string, hasTag bool) map[string][]string {
	keys := map[string][]string{}
	if tf != nil {
		keys["swf:typeFilter.name"] = []string{tf.Name}
		if tf.Version != "" {
			keys["swf:typeFilter.version"] = []string{tf.Version}
		}
	}
	if hasTag {
		keys["swf:tagFilter.tag"] = []string{tag}
	}
	return keys
}

func (in *countOpenInput) accessKeys() map[string][]string {
	tag, has := "", in.TagFilter != nil
	if has {
		tag = in.TagFilter.Tag
	}
	return filterKeys(in.TypeFilter, tag, has)
}

func (in *registerTypeInput) accessKeys() map[string][]string {
	return registerKeys(in.Name, in.Version, in.TaskList)
}
