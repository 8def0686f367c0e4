package openswf

import "time"

// RegistrationStatus is the registration state of a domain or type.
type RegistrationStatus string

// The registration states.
const (
	StatusRegistered RegistrationStatus = "REGISTERED"
	StatusDeprecated RegistrationStatus = "DEPRECATED"
)

// Domain is a registered SWF domain.
type Domain struct {
	Name        string
	Description string
	Status      RegistrationStatus
	// RetentionDays is workflowExecutionRetentionPeriodInDays as registered ("NONE", "0" … "90").
	RetentionDays string
	Tags          []ResourceTag
	CreatedAt     time.Time
}

// ResourceTag is a key/value tag on a domain.
type ResourceTag struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// TypeKind tells activity types from workflow types; both live in one registry.
type TypeKind string

// The two kinds of registered type.
const (
	KindActivityType TypeKind = "activity"
	KindWorkflowType TypeKind = "workflow"
)

// TypeRecord is a registered activity or workflow type with its defaults. The defaults are kept as the
// strings the caller registered ("" when absent), because they are echoed back as such.
type TypeRecord struct {
	Domain          string
	Kind            TypeKind
	Name            string
	Version         string
	Description     string
	Status          RegistrationStatus
	CreatedAt       time.Time
	DeprecatedAt    time.Time
	DefaultTaskList string
	DefaultPriority string
	// Activity-type defaults.
	DefaultScheduleToStart string
	DefaultScheduleToClose string
	DefaultStartToClose    string
	DefaultHeartbeat       string
	// Workflow-type defaults. DefaultStartToClose above doubles as the decision task start-to-close.
	DefaultExecutionStartToClose string
	DefaultChildPolicy           string
	DefaultLambdaRole            string
}

// TypeListQuery selects registered types for ListActivityTypes / ListWorkflowTypes.
type TypeListQuery struct {
	Domain  string
	Kind    TypeKind
	Status  RegistrationStatus
	Name    string      // exact name filter; "" for all
	After   *TypeRecord // keyset cursor: list past this (name, version) in the requested order
	Limit   int
	Reverse bool
}
