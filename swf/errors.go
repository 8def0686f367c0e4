package swf

import (
	"errors"
	"fmt"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
)

// namespace is the prefix of SWF's fault types on the wire.
const namespace = "com.amazonaws.swf.base.model#"

// faultName maps a classified error to the name of SWF's modeled fault ("" for the generic ones).
func faultName(e *openswf.Error) string {
	switch e.Kind {
	case openswf.KindUnknownResource:
		return "UnknownResourceFault"
	case openswf.KindAlreadyExists:
		if e.Resource == "domain" {
			return "DomainAlreadyExistsFault"
		}
		return "TypeAlreadyExistsFault"
	case openswf.KindDeprecated:
		if e.Resource == "domain" {
			return "DomainDeprecatedFault"
		}
		return "TypeDeprecatedFault"
	case openswf.KindNotDeprecated:
		return "TypeNotDeprecatedFault"
	case openswf.KindExecutionAlreadyStarted:
		return "WorkflowExecutionAlreadyStartedFault"
	case openswf.KindDefaultUndefined:
		return "DefaultUndefinedFault"
	case openswf.KindLimitExceeded:
		return "LimitExceededFault"
	case openswf.KindOperationNotPermitted:
		return "OperationNotPermittedFault"
	case openswf.KindTooManyTags:
		return "TooManyTagsFault"
	}
	return ""
}

// unavailableMessage is all a client learns of a storage fault.
const unavailableMessage = "Storage is unavailable: retry later"

// toFault turns an engine error into what the client sees. Unclassified errors pass through, so that the
// server logs them and answers InternalFailure.
func toFault(err error) error {
	var e *openswf.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case openswf.KindValidation:
		return awsjson.ValidationError(e.Message)
	case openswf.KindConflict:
		// The engine retried a conflict between nodes (within one node a run's transitions queue and never
		// conflict) and still lost: the server could not serve this now. A 503, which every SDK retries, and
		// not ThrottlingException, which AWS keeps for its documented rate limits.
		return awsjson.ServiceUnavailable("The workflow execution is changing on another node; retry")
	case openswf.KindUnavailable:
		// A storage fault (a full disk, an I/O error): the client retries, and learns nothing of the cause,
		// which stays in the chain for the server's log.
		return fmt.Errorf("%w: %w", awsjson.ServiceUnavailable(unavailableMessage), err)
	}
	if name := faultName(e); name != "" {
		return awsjson.NewFault(namespace+name, e.Message)
	}
	return err
}
