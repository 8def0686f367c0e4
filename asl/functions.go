package asl

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// intrinsicFunc computes one intrinsic from evaluated arguments. A returned error becomes
// States.IntrinsicFailure.
type intrinsicFunc func(s *scope, args []any) (any, error)

// intrinsics lists every intrinsic function of the Developer Guide. It is never modified.
var intrinsics = map[string]intrinsicFunc{
	"States.Format":         fnFormat,
	"States.StringToJson":   fnStringToJSON,
	"States.JsonToString":   fnJSONToString,
	"States.Array":          func(_ *scope, a []any) (any, error) { return append([]any{}, a...), nil },
	"States.ArrayPartition": fnArrayPartition,
	"States.ArrayContains":  fnArrayContains,
	"States.ArrayRange":     fnArrayRange,
	"States.ArrayGetItem":   fnArrayGetItem,
	"States.ArrayLength":    fnArrayLength,
	"States.ArrayUnique":    fnArrayUnique,
	"States.Base64Encode":   fnBase64Encode,
	"States.Base64Decode":   fnBase64Decode,
	"States.Hash":           fnHash,
	"States.JsonMerge":      fnJSONMerge,
	"States.MathRandom":     fnMathRandom,
	"States.MathAdd":        fnMathAdd,
	"States.StringSplit":    fnStringSplit,
	"States.UUID":           fnUUID,
}

// scope is what payload templates and intrinsics read: the input, the context object, and a random
// source seeded from the execution so that a re-run decides identically.
type scope struct {
	input any
	ctx   any
	rng   *rand.Rand
}

// eval evaluates a call.
func (c *call) eval(s *scope) (any, error) {
	args := make([]any, len(c.args))
	for i, a := range c.args {
		switch {
		case a.call != nil:
			v, err := a.call.eval(s)
			if err != nil {
				return nil, err
			}
			args[i] = v
		case a.path != nil:
			doc := s.input
			if a.path.Context() {
				doc = s.ctx
			}
			v, err := a.path.Eval(doc)
			if err != nil {
				return nil, err
			}
			args[i] = v
		default:
			v := a.literal
			if str, ok := v.(string); ok && !(c.name == "States.Format" && i == 0) {
				v = unescapeBraces(str)
			}
			args[i] = v
		}
	}
	return intrinsics[c.name](s, args)
}

func argCount(args []any, lo, hi int) error {
	if len(args) < lo || len(args) > hi {
		if lo == hi {
			return fmt.Errorf("expected %d argument(s) but got %d", lo, len(args))
		}
		return fmt.Errorf("expected %d to %d arguments but got %d", lo, hi, len(args))
	}
	return nil
}

func argString(v any, what string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("the %s must be a string, not %s", what, typeName(v))
	}
	return s, nil
}

func argArray(v any, what string) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("the %s must be an array, not %s", what, typeName(v))
	}
	return a, nil
}

func argInt(v any, what string) (int64, error) {
	n, ok := isInteger(v)
	if !ok {
		return 0, fmt.Errorf("the %s must be an integer, not %s", what, EncodeJSON(v))
	}
	return n, nil
}

func fnArrayPartition(_ *scope, args []any) (any, error) {
	if err := argCount(args, 2, 2); err != nil {
		return nil, err
	}
	a, err := argArray(args[0], "first argument")
	if err != nil {
		return nil, err
	}
	n, err := argInt(args[1], "chunk size")
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("the chunk size must be a positive integer")
	}
	out := []any{}
	for i := 0; i < len(a); i += int(n) {
		out = append(out, append([]any{}, a[i:min(i+int(n), len(a))]...))
	}
	return out, nil
}

func fnArrayContains(_ *scope, args []any) (any, error) {
	if err := argCount(args, 2, 2); err != nil {
		return nil, err
	}
	a, err := argArray(args[0], "first argument")
	if err != nil {
		return nil, err
	}
	for _, e := range a {
		if equalJSON(e, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

// maxRange is the largest array States.ArrayRange may build (Developer Guide).
const maxRange = 1000

func fnArrayRange(_ *scope, args []any) (any, error) {
	if err := argCount(args, 3, 3); err != nil {
		return nil, err
	}
	var v [3]int64
	for i, a := range args {
		f, ok := number(a)
		if !ok {
			return nil, fmt.Errorf("the arguments of States.ArrayRange must be numbers")
		}
		v[i] = int64(math.Floor(f + 0.5))
	}
	if v[2] == 0 {
		return nil, fmt.Errorf("the step of States.ArrayRange cannot be 0")
	}
	out := []any{}
	for i := v[0]; (v[2] > 0 && i <= v[1]) || (v[2] < 0 && i >= v[1]); i += v[2] {
		if len(out) == maxRange {
			return nil, fmt.Errorf("States.ArrayRange cannot return more than %d elements", maxRange)
		}
		out = append(out, num(float64(i)))
	}
	return out, nil
}

func fnArrayGetItem(_ *scope, args []any) (any, error) {
	if err := argCount(args, 2, 2); err != nil {
		return nil, err
	}
	a, err := argArray(args[0], "first argument")
	if err != nil {
		return nil, err
	}
	i, err := argInt(args[1], "index")
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= int64(len(a)) {
		return nil, fmt.Errorf("index %d is out of bounds for an array of %d element(s)", i, len(a))
	}
	return a[i], nil
}

func fnArrayLength(_ *scope, args []any) (any, error) {
	if err := argCount(args, 1, 1); err != nil {
		return nil, err
	}
	a, err := argArray(args[0], "argument")
	if err != nil {
		return nil, err
	}
	return num(float64(len(a))), nil
}

func fnArrayUnique(_ *scope, args []any) (any, error) {
	if err := argCount(args, 1, 1); err != nil {
		return nil, err
	}
	a, err := argArray(args[0], "argument")
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, e := range a {
		dup := false
		for _, o := range out {
			if equalJSON(e, o) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out, nil
}
