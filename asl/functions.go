package asl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"math/rand/v2"
	"strings"
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

func fnFormat(_ *scope, args []any) (any, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("States.Format needs a template")
	}
	tmpl, err := argString(args[0], "template")
	if err != nil {
		return nil, err
	}
	if n := strings.Count(tmpl, "{}"); n != len(args)-1 {
		return nil, fmt.Errorf("the template has %d placeholder(s) but %d argument(s) were given", n, len(args)-1)
	}
	var b strings.Builder
	k := 1
	for i := 0; i < len(tmpl); i++ {
		if strings.HasPrefix(tmpl[i:], "{}") {
			switch v := args[k].(type) {
			case string:
				b.WriteString(v)
			case []any, *Object:
				return nil, fmt.Errorf("States.Format cannot format an %s", typeName(v))
			default:
				b.WriteString(EncodeJSON(v))
			}
			k++
			i++
			continue
		}
		b.WriteByte(tmpl[i])
	}
	return unescapeBraces(b.String()), nil
}

func fnStringToJSON(_ *scope, args []any) (any, error) {
	if err := argCount(args, 1, 1); err != nil {
		return nil, err
	}
	s, err := argString(args[0], "argument")
	if err != nil {
		return nil, err
	}
	v, err := ParseJSON(s)
	if err != nil {
		return nil, fmt.Errorf("the argument is not valid JSON: %v", err)
	}
	return v, nil
}

func fnJSONToString(_ *scope, args []any) (any, error) {
	if err := argCount(args, 1, 1); err != nil {
		return nil, err
	}
	return EncodeJSON(args[0]), nil
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

// maxEncodeInput is the longest string States.Base64Encode/Decode and States.Hash accept.
const maxEncodeInput = 10000

func fnBase64Encode(_ *scope, args []any) (any, error) {
	if err := argCount(args, 1, 1); err != nil {
		return nil, err
	}
	s, err := argString(args[0], "argument")
	if err != nil {
		return nil, err
	}
	if len(s) > maxEncodeInput {
		return nil, fmt.Errorf("the input must be at most %d characters", maxEncodeInput)
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func fnBase64Decode(_ *scope, args []any) (any, error) {
	if err := argCount(args, 1, 1); err != nil {
		return nil, err
	}
	s, err := argString(args[0], "argument")
	if err != nil {
		return nil, err
	}
	if len(s) > maxEncodeInput {
		return nil, fmt.Errorf("the input must be at most %d characters", maxEncodeInput)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the input is not valid base64")
	}
	return string(b), nil
}

func fnHash(_ *scope, args []any) (any, error) {
	if err := argCount(args, 2, 2); err != nil {
		return nil, err
	}
	s, err := argString(args[0], "data")
	if err != nil {
		return nil, err
	}
	if len(s) > maxEncodeInput {
		return nil, fmt.Errorf("the input must be at most %d characters", maxEncodeInput)
	}
	alg, _ := args[1].(string)
	var h hash.Hash
	switch alg {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return nil, fmt.Errorf("the hash algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, not %s", EncodeJSON(args[1]))
	}
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fnJSONMerge(_ *scope, args []any) (any, error) {
	if err := argCount(args, 3, 3); err != nil {
		return nil, err
	}
	a, ok1 := args[0].(*Object)
	b, ok2 := args[1].(*Object)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("the arguments of States.JsonMerge must be objects")
	}
	if deep, ok := args[2].(bool); !ok || deep {
		return nil, fmt.Errorf("States.JsonMerge supports only a shallow merge: the third argument must be false")
	}
	out := clone(a).(*Object)
	for _, k := range b.keys {
		out.Set(k, clone(b.vals[k]))
	}
	return out, nil
}

// fnMathRandom returns an integer in [start, end). Without a seed it draws from the execution's seeded
// source; with one, from a source seeded by it alone, so that equal seeds give equal numbers.
func fnMathRandom(s *scope, args []any) (any, error) {
	if err := argCount(args, 2, 3); err != nil {
		return nil, err
	}
	lo, err := argInt(args[0], "start")
	if err != nil {
		return nil, err
	}
	hi, err := argInt(args[1], "end")
	if err != nil {
		return nil, err
	}
	if hi <= lo {
		return nil, fmt.Errorf("the end (%d) must be greater than the start (%d)", hi, lo)
	}
	rng := s.rng
	if len(args) == 3 {
		seed, err := argInt(args[2], "seed")
		if err != nil {
			return nil, err
		}
		rng = rand.New(rand.NewPCG(uint64(seed), 0x5DEECE66D))
	}
	return num(float64(lo + rng.Int64N(hi-lo))), nil
}

func fnMathAdd(_ *scope, args []any) (any, error) {
	if err := argCount(args, 2, 2); err != nil {
		return nil, err
	}
	var sum float64
	for _, a := range args {
		f, ok := number(a)
		if !ok {
			return nil, fmt.Errorf("the arguments of States.MathAdd must be numbers, not %s", EncodeJSON(a))
		}
		sum += math.Floor(f + 0.5)
	}
	return num(sum), nil
}

func fnStringSplit(_ *scope, args []any) (any, error) {
	if err := argCount(args, 2, 2); err != nil {
		return nil, err
	}
	s, err := argString(args[0], "first argument")
	if err != nil {
		return nil, err
	}
	d, err := argString(args[1], "delimiter")
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(d, r) }) {
		out = append(out, f)
	}
	return out, nil
}

// fnUUID draws a version 4 UUID from the execution's seeded source: deterministic for a re-run.
func fnUUID(s *scope, args []any) (any, error) {
	if err := argCount(args, 0, 0); err != nil {
		return nil, err
	}
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := s.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
