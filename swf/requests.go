package swf

import (
	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// The wire shapes of the operations whose engine request is a struct of its own. Each holds exactly the
// members of the model's input (TestOperations_InputTypesMatchModel) and turns itself into the engine's
// request, which carries no wire names: the engine serves other APIs too.

// registerDomainInput is RegisterDomain's input.
type registerDomainInput struct {
	Name          string                `json:"name"`
	Description   string                `json:"description"`
	RetentionDays string                `json:"workflowExecutionRetentionPeriodInDays"`
	Tags          []openswf.ResourceTag `json:"tags"`
}

func (in *registerDomainInput) engine() engine.RegisterDomainInput {
	return engine.RegisterDomainInput{Name: in.Name, Description: in.Description, RetentionDays: in.RetentionDays, Tags: in.Tags}
}

// listDomainsInput is ListDomains' input.
type listDomainsInput struct {
	Status openswf.RegistrationStatus `json:"registrationStatus"`
	pageInput
}

func (in *listDomainsInput) engine() engine.ListDomainsInput {
	return engine.ListDomainsInput{Status: in.Status, NextPageToken: in.NextPageToken, PageSize: in.PageSize, Reverse: in.Reverse}
}

// listTypesInput is ListActivityTypes' and ListWorkflowTypes' input.
type listTypesInput struct {
	Domain string                     `json:"domain"`
	Name   string                     `json:"name"`
	Status openswf.RegistrationStatus `json:"registrationStatus"`
	pageInput
}

func (in *listTypesInput) engine() engine.ListTypesInput {
	return engine.ListTypesInput{Domain: in.Domain, Name: in.Name, Status: in.Status,
		NextPageToken: in.NextPageToken, PageSize: in.PageSize, Reverse: in.Reverse}
}

// startWorkflowInput is StartWorkflowExecution's input.
type startWorkflowInput struct {
	Domain           string               `json:"domain"`
	WorkflowID       string               `json:"workflowId"`
	WorkflowType     openswf.WorkflowType `json:"workflowType"`
	TaskList         *openswf.TaskList    `json:"taskList"`
	TaskPriority     string               `json:"taskPriority"`
	Input            string               `json:"input"`
	ExecStartToClose string               `json:"executionStartToCloseTimeout"`
	TagList          []string             `json:"tagList"`
	TaskStartToClose string               `json:"taskStartToCloseTimeout"`
	ChildPolicy      string               `json:"childPolicy"`
	LambdaRole       string               `json:"lambdaRole"`
}

// engine turns the input into the engine's; an SWF run is always decided by decision tasks, so it names no
// in-process decider.
func (in *startWorkflowInput) engine() engine.StartWorkflowInput {
	return engine.StartWorkflowInput{
		Domain: in.Domain, WorkflowID: in.WorkflowID, WorkflowType: in.WorkflowType, TaskList: in.TaskList,
		TaskPriority: in.TaskPriority, Input: in.Input, ExecStartToClose: in.ExecStartToClose, TagList: in.TagList,
		TaskStartToClose: in.TaskStartToClose, ChildPolicy: in.ChildPolicy, LambdaRole: in.LambdaRole,
	}
}

// signalInput is SignalWorkflowExecution's input.
type signalInput struct {
	Domain     string `json:"domain"`
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
	SignalName string `json:"signalName"`
	Input      string `json:"input"`
}

func (in *signalInput) engine() engine.SignalInput {
	return engine.SignalInput{Domain: in.Domain, WorkflowID: in.WorkflowID, RunID: in.RunID, SignalName: in.SignalName, Input: in.Input}
}

// terminateInput is TerminateWorkflowExecution's input.
type terminateInput struct {
	Domain      string `json:"domain"`
	WorkflowID  string `json:"workflowId"`
	RunID       string `json:"runId"`
	Reason      string `json:"reason"`
	Details     string `json:"details"`
	ChildPolicy string `json:"childPolicy"`
}

func (in *terminateInput) engine() engine.TerminateInput {
	return engine.TerminateInput{Domain: in.Domain, WorkflowID: in.WorkflowID, RunID: in.RunID, Reason: in.Reason,
		Details: in.Details, ChildPolicy: in.ChildPolicy}
}

// historyInput is GetWorkflowExecutionHistory's input.
type historyInput struct {
	Domain    string                    `json:"domain"`
	Execution openswf.WorkflowExecution `json:"execution"`
	pageInput
}

func (in *historyInput) engine() engine.HistoryInput {
	return engine.HistoryInput{Domain: in.Domain, Execution: in.Execution,
		NextPageToken: in.NextPageToken, PageSize: in.PageSize, Reverse: in.Reverse}
}

// pollDecisionInput is PollForDecisionTask's input.
type pollDecisionInput struct {
	Domain   string           `json:"domain"`
	TaskList openswf.TaskList `json:"taskList"`
	Identity string           `json:"identity"`
	pageInput
	StartAtPreviousStartedEvent bool `json:"startAtPreviousStartedEvent"`
}

func (in *pollDecisionInput) engine() engine.PollDecisionInput {
	return engine.PollDecisionInput{Domain: in.Domain, TaskList: in.TaskList, Identity: in.Identity,
		NextPageToken: in.NextPageToken, PageSize: in.PageSize, Reverse: in.Reverse,
		StartAtPreviousStartedEvent: in.StartAtPreviousStartedEvent}
}

// respondDecisionInput is RespondDecisionTaskCompleted's input. Its decisions decode straight into the
// root package's Decision, the vocabulary the engine carries out.
type respondDecisionInput struct {
	TaskToken                      string             `json:"taskToken"`
	Decisions                      []openswf.Decision `json:"decisions"`
	ExecutionContext               string             `json:"executionContext"`
	TaskList                       *openswf.TaskList  `json:"taskList"`
	TaskListScheduleToStartTimeout string             `json:"taskListScheduleToStartTimeout"`
}

func (in *respondDecisionInput) engine() engine.RespondDecisionInput {
	return engine.RespondDecisionInput{TaskToken: in.TaskToken, Decisions: in.Decisions,
		ExecutionContext: in.ExecutionContext, TaskList: in.TaskList,
		TaskListScheduleToStartTimeout: in.TaskListScheduleToStartTimeout}
}
