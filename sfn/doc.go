// Package sfn serves the AWS Step Functions API (X-Amz-Target AWSStepFunctions.<Op>) over the engine.
//
// Step Functions lives in one internal domain of the engine (openswf.InternalDomain: a name SWF cannot
// register, so no SWF client reaches it). An activity is an activity type of that domain, named after the
// activity, whose task list has the same name: GetActivityTask polls it, and the Send* operations drive the
// engine's activity tasks with their tokens, heartbeats and timeouts. ARNs are built on the way out from the
// server's region and account and parsed on the way in; what is stored holds names only.
//
// The package words every fault as Step Functions does (namespace com.amazonaws.swf.service.v2.model): the
// engine reports classified errors, and each handler picks the fault its operation models.
package sfn
