// Package asl is the Amazon States Language of AWS Step Functions as a library with no I/O: JSONPath as
// Step Functions evaluates it, payload templates and intrinsic functions, the data flow of a state's
// input and output, the parsing and validation of definitions, Choice rules, and an interpreter that turns
// what happened outside an execution into Step Functions history events and actions for the engine.
//
// Only QueryLanguage JSONPath and Standard workflows are supported; a definition asking for JSONata is
// refused with a diagnostic.
//
// JSON values are held as nil, bool, string, json.Number (the number's text, exactly as written), []any
// and *Object (members in insertion order); ParseJSON and EncodeJSON convert them.
package asl
