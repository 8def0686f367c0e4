package sfn

import (
	"errors"
	"fmt"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
)

// namespace is the prefix of Step Functions' fault types on the wire.
const namespace = "com.amazonaws.swf.service.v2.model#"

// fault returns a modeled Step Functions fault.
func fault(name, message string) *awsjson.Fault {
	return awsjson.NewFault(namespace+name, message)
}

// invalidArn is InvalidArn with AWS's wording: "Invalid Arn: '<reason>'".
func invalidArn(reason string) *awsjson.Fault {
	return fault("InvalidArn", fmt.Sprintf("Invalid Arn: '%s'", reason))
}

// activityDoesNotExist is ActivityDoesNotExist for an activity ARN.
func activityDoesNotExist(arn string) *awsjson.Fault {
	return fault("ActivityDoesNotExist", fmt.Sprintf("Activity Does Not Exist: '%s'", arn))
}

// The answers to a task token that names nothing open.
var (
	errInvalidToken = fault("InvalidToken", "Invalid Token: 'Invalid token'")
	errTaskTimedOut = fault("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
)

// unavailableMessage is all a client learns of a storage fault.
const unavailableMessage = "Storage is unavailable: retry later"

// toFault turns an engine error that the handler did not word itself into what the client sees: a
// constraint broken as ValidationException, a storage fault or an unresolved conflict as a retryable 503.
// Anything else passes through, so that the server logs it and answers InternalFailure.
func toFault(err error) error {
	var f *awsjson.Fault
	if errors.As(err, &f) {
		return err
	}
	var e *openswf.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case openswf.KindValidation:
		return awsjson.ValidationError(e.Message)
	case openswf.KindUnavailable, openswf.KindConflict:
		return fmt.Errorf("%w: %w", awsjson.ServiceUnavailable(unavailableMessage), err)
	}
	return err
}
