// Package swf serves the Amazon SWF API (AWS JSON 1.0, X-Amz-Target SimpleWorkflowService.<Op>) over the
// engine: it owns SWF's wire shapes, validates every request against AWS's own service model (embedded
// from model/), calls the engine, and maps the engine's classified errors to SWF's modeled faults.
package swf
