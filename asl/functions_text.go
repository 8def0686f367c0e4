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

// The string, encoding, JSON and number intrinsics.

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
	// Bounds may be fractional: AWS rounds them (recorded: States.MathRandom(12.5, 44.51) succeeds).
	lo, err := argRounded(args[0], "start")
	if err != nil {
		return nil, err
	}
	hi, err := argRounded(args[1], "end")
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
		sum += roundHalfUp(f)
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

// roundHalfUp rounds as Java's Math.round does, halves towards positive infinity: AWS's recordings give
// States.MathAdd(-1.49, -1.5) = -2 and States.MathAdd(1.49, 1.5) = 3.
func roundHalfUp(f float64) float64 { return math.Floor(f + 0.5) }

func argRounded(v any, what string) (int64, error) {
	f, ok := number(v)
	if !ok || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("the %s must be a number, not %s", what, EncodeJSON(v))
	}
	return int64(roundHalfUp(f)), nil
}
