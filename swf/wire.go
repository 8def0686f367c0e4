package swf

import (
	"math"
	"strconv"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
)

// epoch is a timestamp on the wire: epoch seconds as a JSON number, to the millisecond.
type epoch = awsjson.Epoch

func epochPtr(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

// event is a history event on the wire; its attributes are stored in wire form already.
type event openswf.HistoryEvent

// MarshalJSON writes {"eventId":…,"eventTimestamp":…,"eventType":…,"<x>EventAttributes":{…}}.
func (e event) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 96+len(e.Attributes))
	b = append(b, `{"eventId":`...)
	b = strconv.AppendInt(b, e.ID, 10)
	b = append(b, `,"eventTimestamp":`...)
	b = awsjson.AppendEpoch(b, e.Time)
	b = append(b, `,"eventType":"`...)
	b = append(b, e.Type...)
	b = append(b, `","`...)
	b = append(b, e.Type.AttributesKey()...)
	b = append(b, `":`...)
	if len(e.Attributes) == 0 {
		b = append(b, "{}"...)
	} else {
		b = append(b, e.Attributes...)
	}
	return append(b, '}'), nil
}

func events(evs []openswf.HistoryEvent) []event {
	out := make([]event, len(evs))
	for i, ev := range evs {
		out[i] = event(ev)
	}
	return out
}

type domainInfo struct {
	Name        string `json:"name"`
	Status      string `json:"status"`
	Description string `json:"description,omitempty"`
	Arn         string `json:"arn,omitempty"`
}

type domainDetail struct {
	DomainInfo    domainInfo `json:"domainInfo"`
	Configuration struct {
		Retention string `json:"workflowExecutionRetentionPeriodInDays"`
	} `json:"configuration"`
}

type domainInfos struct {
	DomainInfos   []domainInfo `json:"domainInfos"`
	NextPageToken string       `json:"nextPageToken,omitempty"`
}

type typeInfo struct {
	ActivityType    *openswf.ActivityType `json:"activityType,omitempty"`
	WorkflowType    *openswf.WorkflowType `json:"workflowType,omitempty"`
	Status          string                `json:"status"`
	Description     string                `json:"description,omitempty"`
	CreationDate    epoch                 `json:"creationDate"`
	DeprecationDate *epoch                `json:"deprecationDate,omitempty"`
}

type typeConfiguration struct {
	DefaultTaskStartToCloseTimeout      string            `json:"defaultTaskStartToCloseTimeout,omitempty"`
	DefaultTaskHeartbeatTimeout         string            `json:"defaultTaskHeartbeatTimeout,omitempty"`
	DefaultTaskList                     *openswf.TaskList `json:"defaultTaskList,omitempty"`
	DefaultTaskPriority                 string            `json:"defaultTaskPriority,omitempty"`
	DefaultTaskScheduleToStartTimeout   string            `json:"defaultTaskScheduleToStartTimeout,omitempty"`
	DefaultTaskScheduleToCloseTimeout   string            `json:"defaultTaskScheduleToCloseTimeout,omitempty"`
	DefaultExecutionStartToCloseTimeout string            `json:"defaultExecutionStartToCloseTimeout,omitempty"`
	DefaultChildPolicy                  string            `json:"defaultChildPolicy,omitempty"`
	DefaultLambdaRole                   string            `json:"defaultLambdaRole,omitempty"`
}

type typeDetail struct {
	TypeInfo      typeInfo          `json:"typeInfo"`
	Configuration typeConfiguration `json:"configuration"`
}

type typeInfos struct {
	TypeInfos     []typeInfo `json:"typeInfos"`
	NextPageToken string     `json:"nextPageToken,omitempty"`
}

func newTypeInfo(t *openswf.TypeRecord) typeInfo {
	ti := typeInfo{Status: string(t.Status), Description: t.Description, CreationDate: epoch(t.CreatedAt),
		DeprecationDate: epochPtr(t.DeprecatedAt)}
	if t.Kind == openswf.KindActivityType {
		ti.ActivityType = &openswf.ActivityType{Name: t.Name, Version: t.Version}
	} else {
		ti.WorkflowType = &openswf.WorkflowType{Name: t.Name, Version: t.Version}
	}
	return ti
}

func newTypeDetail(t *openswf.TypeRecord) typeDetail {
	c := typeConfiguration{
		DefaultTaskStartToCloseTimeout: t.DefaultStartToClose, DefaultTaskPriority: t.DefaultPriority,
	}
	if t.DefaultTaskList != "" {
		c.DefaultTaskList = &openswf.TaskList{Name: t.DefaultTaskList}
	}
	if t.Kind == openswf.KindActivityType {
		c.DefaultTaskHeartbeatTimeout = t.DefaultHeartbeat
		c.DefaultTaskScheduleToStartTimeout = t.DefaultScheduleToStart
		c.DefaultTaskScheduleToCloseTimeout = t.DefaultScheduleToClose
	} else {
		c.DefaultExecutionStartToCloseTimeout = t.DefaultExecutionStartToClose
		c.DefaultChildPolicy = t.DefaultChildPolicy
		c.DefaultLambdaRole = t.DefaultLambdaRole
	}
	return typeDetail{TypeInfo: newTypeInfo(t), Configuration: c}
}

type executionInfo struct {
	Execution       openswf.WorkflowExecution  `json:"execution"`
	WorkflowType    openswf.WorkflowType       `json:"workflowType"`
	StartTimestamp  epoch                      `json:"startTimestamp"`
	CloseTimestamp  *epoch                     `json:"closeTimestamp,omitempty"`
	ExecutionStatus string                     `json:"executionStatus"`
	CloseStatus     string                     `json:"closeStatus,omitempty"`
	Parent          *openswf.WorkflowExecution `json:"parent,omitempty"`
	TagList         []string                   `json:"tagList,omitempty"`
	CancelRequested bool                       `json:"cancelRequested"`
}

func newExecutionInfo(x *openswf.Execution) executionInfo {
	status := "OPEN"
	if !x.Open {
		status = "CLOSED"
	}
	return executionInfo{
		Execution: x.Ref(), WorkflowType: x.Type, StartTimestamp: epoch(x.StartedAt),
		CloseTimestamp: epochPtr(x.ClosedAt), ExecutionStatus: status, CloseStatus: x.CloseStatus,
		Parent: x.Parent, TagList: x.TagList, CancelRequested: x.CancelRequested,
	}
}

type executionDetail struct {
	ExecutionInfo          executionInfo `json:"executionInfo"`
	ExecutionConfiguration struct {
		TaskStartToCloseTimeout      string           `json:"taskStartToCloseTimeout"`
		ExecutionStartToCloseTimeout string           `json:"executionStartToCloseTimeout"`
		TaskList                     openswf.TaskList `json:"taskList"`
		TaskPriority                 string           `json:"taskPriority,omitempty"`
		ChildPolicy                  string           `json:"childPolicy"`
		LambdaRole                   string           `json:"lambdaRole,omitempty"`
	} `json:"executionConfiguration"`
	OpenCounts struct {
		OpenActivityTasks           int `json:"openActivityTasks"`
		OpenDecisionTasks           int `json:"openDecisionTasks"`
		OpenTimers                  int `json:"openTimers"`
		OpenChildWorkflowExecutions int `json:"openChildWorkflowExecutions"`
		OpenLambdaFunctions         int `json:"openLambdaFunctions"`
	} `json:"openCounts"`
	LatestActivityTaskTimestamp *epoch `json:"latestActivityTaskTimestamp,omitempty"`
	LatestExecutionContext      string `json:"latestExecutionContext,omitempty"`
}

func newExecutionDetail(x *openswf.Execution) *executionDetail {
	d := &executionDetail{ExecutionInfo: newExecutionInfo(x)}
	c := &d.ExecutionConfiguration
	c.TaskStartToCloseTimeout = x.TaskStartToClose
	c.ExecutionStartToCloseTimeout = x.ExecStartToClose
	c.TaskList = openswf.TaskList{Name: x.TaskList}
	c.TaskPriority = x.TaskPriority
	c.ChildPolicy = x.ChildPolicy
	c.LambdaRole = x.LambdaRole
	d.OpenCounts.OpenActivityTasks = len(x.Activities)
	if x.Decision.ScheduledID != 0 {
		d.OpenCounts.OpenDecisionTasks = 1
	}
	d.OpenCounts.OpenTimers = len(x.Timers)
	d.OpenCounts.OpenChildWorkflowExecutions = len(x.Children)
	d.LatestActivityTaskTimestamp = epochPtr(x.LatestActivityTaskAt)
	d.LatestExecutionContext = x.LatestExecutionContext
	return d
}

type history struct {
	Events        []event `json:"events"`
	NextPageToken string  `json:"nextPageToken,omitempty"`
}

type decisionTask struct {
	TaskToken              string                     `json:"taskToken,omitempty"`
	StartedEventID         int64                      `json:"startedEventId"`
	WorkflowExecution      *openswf.WorkflowExecution `json:"workflowExecution,omitempty"`
	WorkflowType           *openswf.WorkflowType      `json:"workflowType,omitempty"`
	Events                 []event                    `json:"events,omitempty"`
	NextPageToken          string                     `json:"nextPageToken,omitempty"`
	PreviousStartedEventID int64                      `json:"previousStartedEventId,omitempty"`
}

type activityTask struct {
	TaskToken         string                     `json:"taskToken,omitempty"`
	ActivityID        string                     `json:"activityId,omitempty"`
	StartedEventID    int64                      `json:"startedEventId"`
	WorkflowExecution *openswf.WorkflowExecution `json:"workflowExecution,omitempty"`
	ActivityType      *openswf.ActivityType      `json:"activityType,omitempty"`
	Input             string                     `json:"input,omitempty"`
}

type pendingTaskCount struct {
	Count     int  `json:"count"`
	Truncated bool `json:"truncated"`
}

// epochIn is a timestamp in a request: epoch seconds as a JSON number, fractions allowed (the model's
// validation has checked it is a number). It is kept to the millisecond, the precision of the wire, and
// clamped to about ±3000 years around 1970 so that no arithmetic on it overflows.
type epochIn time.Time

// UnmarshalJSON reads epoch seconds.
func (t *epochIn) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) {
		return awsjson.SerializationError("Expected a number of epoch seconds.")
	}
	const limit = 1e11 // seconds: the year 5138
	f = max(-limit, min(limit, f))
	*t = epochIn(time.UnixMilli(int64(math.Round(f * 1000))).UTC())
	return nil
}

// timeFilter is an ExecutionTimeFilter in a request.
type timeFilter struct {
	OldestDate *epochIn `json:"oldestDate"`
	LatestDate *epochIn `json:"latestDate"`
}

func (f *timeFilter) engine() *engine.TimeFilter {
	if f == nil {
		return nil
	}
	var out engine.TimeFilter
	if f.OldestDate != nil {
		out.Oldest = time.Time(*f.OldestDate)
	}
	if f.LatestDate != nil {
		out.Latest = time.Time(*f.LatestDate)
	}
	return &out
}

// countOpenInput is CountOpenWorkflowExecutions' input; the other visibility inputs build on it.
type countOpenInput struct {
	Domain          string      `json:"domain"`
	StartTimeFilter *timeFilter `json:"startTimeFilter"`
	ExecutionFilter *struct {
		WorkflowID string `json:"workflowId"`
	} `json:"executionFilter"`
	TypeFilter *openswf.WorkflowType `json:"typeFilter"`
	TagFilter  *struct {
		Tag string `json:"tag"`
	} `json:"tagFilter"`
}

// engine turns the input into the engine's.
func (in *countOpenInput) engine() engine.VisibilityInput {
	out := engine.VisibilityInput{Domain: in.Domain, StartTimeFilter: in.StartTimeFilter.engine(), TypeFilter: in.TypeFilter}
	if in.ExecutionFilter != nil {
		out.ExecutionFilter = &in.ExecutionFilter.WorkflowID
	}
	if in.TagFilter != nil {
		out.TagFilter = &in.TagFilter.Tag
	}
	return out
}

// countClosedInput is CountClosedWorkflowExecutions' input: the open one's filters and the closed-only ones.
type countClosedInput struct {
	countOpenInput
	CloseTimeFilter   *timeFilter `json:"closeTimeFilter"`
	CloseStatusFilter *struct {
		Status string `json:"status"`
	} `json:"closeStatusFilter"`
}

// engine turns the input into the engine's.
func (in *countClosedInput) engine() engine.VisibilityInput {
	out := in.countOpenInput.engine()
	out.CloseTimeFilter = in.CloseTimeFilter.engine()
	if in.CloseStatusFilter != nil {
		out.CloseStatusFilter = &in.CloseStatusFilter.Status
	}
	return out
}

// pageInput holds the paging members of the List* operations.
type pageInput struct {
	NextPageToken string `json:"nextPageToken"`
	PageSize      int    `json:"maximumPageSize"`
	Reverse       bool   `json:"reverseOrder"`
}

// page adds the paging members to an engine input.
func (p *pageInput) page(in engine.VisibilityInput) engine.VisibilityInput {
	in.NextPageToken, in.PageSize, in.Reverse = p.NextPageToken, p.PageSize, p.Reverse
	return in
}

// listOpenInput is ListOpenWorkflowExecutions' input.
type listOpenInput struct {
	countOpenInput
	pageInput
}

// listClosedInput is ListClosedWorkflowExecutions' input.
type listClosedInput struct {
	countClosedInput
	pageInput
}

type executionInfos struct {
	ExecutionInfos []executionInfo `json:"executionInfos"`
	NextPageToken  string          `json:"nextPageToken,omitempty"`
}

type executionCount struct {
	Count     int  `json:"count"`
	Truncated bool `json:"truncated"`
}

type tagResourceInput struct {
	ResourceArn string                `json:"resourceArn"`
	Tags        []openswf.ResourceTag `json:"tags"`
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

type resourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

type resourceTags struct {
	Tags []openswf.ResourceTag `json:"tags"`
}
