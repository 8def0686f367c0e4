// Package iam reads IAM identity policy documents and decides requests against them, as AWS IAM does,
// so that openswf can say which principal may call which SWF and Step Functions operation on which
// domain, activity, state machine or execution.
//
// ParsePolicy compiles a document once, at configuration time: its wildcards and policy variables become
// patterns, its condition values are parsed into numbers, dates, addresses and ARN parts. Evaluate then
// runs on every request without regular expressions and, in the common case, without allocating.
//
// The semantics follow AWS's documentation of the policy grammar and of evaluation logic for identity
// policies:
//
//   - An explicit Deny wins; otherwise an Allow is needed; otherwise the request is implicitly denied.
//   - Action matches case-insensitively and Resource case-sensitively, both with '*' (any run of
//     characters, ':' and '/' included) and '?' (one character).
//   - Condition keys are case-insensitive. The values listed for one key are ORed; keys and operators
//     are ANDed. Negated operators (StringNotEquals, NotIpAddress, ArnNotLike, …) hold when none of
//     their values matches, and hold when the key is absent.
//   - ...IfExists holds when the key is absent; Null tests presence alone. ForAnyValue holds when some
//     request value satisfies the operator and is false for an absent key; ForAllValues holds when every
//     request value does, and so holds for an absent key.
//   - Policy variables (${aws:username}, ${key, 'default'}, and the escapes ${*}, ${?}, ${$}) are
//     substituted under Version 2012-10-17 in Resource and in string, ARN and Bool condition values. A
//     variable whose key is absent or has several values, and has no default, matches nothing.
//
// Where AWS leaves a case open the choice is written beside the code: ArnEquals and ArnLike are one test;
// a request value that is not a number, date, address or ARN matches no value of such an operator; a
// BinaryEquals request value is the bytes themselves while the policy's is base64.
package iam
