package engine

import (
	"strconv"
	"strings"
	"time"

	"github.com/openswf/openswf"
)

// parseTimeout reads an SWF duration: decimal seconds, or NONE for no limit (0). ok is false for anything
// else. A timeout of "0" seconds also means no limit, for activity and decision task timeouts; a run's own
// timeout must be positive (checkExecutionTimeout).
func parseTimeout(s string) (d time.Duration, ok bool) {
	if s == "NONE" {
		return 0, true
	}
	if s == "" || len(s) > 8 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// checkTimeout returns a validation error naming member if s is set but not an SWF duration.
func checkTimeout(member, s string) error {
	if s == "" {
		return nil
	}
	if _, ok := parseTimeout(s); !ok {
		return invalid(member, s, "Member must be a number of seconds or NONE")
	}
	return nil
}

// maxExecutionTimeout is SWF's cap on a run's start-to-close timeout: one year.
const maxExecutionTimeout = 365 * 24 * time.Hour

// checkExecutionTimeout enforces SWF's rule for a run's start-to-close timeout: a number of seconds from 1
// to one year; NONE and 0 are not allowed.
func checkExecutionTimeout(member, s string) error {
	if s == "" {
		return nil
	}
	if d, ok := parseTimeout(s); !ok || d <= 0 || d > maxExecutionTimeout {
		return invalid(member, s, "Member must be a number of seconds from 1 to 31536000")
	}
	return nil
}

// checkPriority returns a validation error if s is set but not a signed 32-bit integer.
func checkPriority(member, s string) error {
	if s == "" {
		return nil
	}
	if _, err := strconv.ParseInt(s, 10, 32); err != nil {
		return invalid(member, s, "Member must be an integer between -2147483648 and 2147483647")
	}
	return nil
}

func parsePriority(s string) int32 {
	n, _ := strconv.ParseInt(s, 10, 32)
	return int32(n)
}

// checkName enforces the rules SWF documents for names and ids but its model cannot express: no ':' '/'
// '|', no control characters, not the literal "arn", and no leading or trailing whitespace.
func checkName(member, s string) error {
	bad := s == "arn" || strings.TrimSpace(s) != s || strings.ContainsAny(s, ":/|")
	if !bad {
		for _, r := range s {
			if r <= 0x1f || (r >= 0x7f && r <= 0x9f) {
				bad = true
				break
			}
		}
	}
	if bad {
		return invalid(member, s, "Member must not contain ':', '/', '|', control characters or leading or trailing whitespace, and must not be 'arn'")
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// pageSize turns the wire's maximumPageSize (0 = default) into a limit.
func pageSize(n int) int {
	if n <= 0 || n > maxPageSize {
		return maxPageSize
	}
	return n
}

func unknown(format string, args ...any) error {
	return openswf.Errorf(openswf.KindUnknownResource, format, args...)
}

// validation returns a KindValidation error stated in plain words, for a rule that no one member breaks.
func validation(format string, args ...any) error {
	return openswf.Errorf(openswf.KindValidation, format, args...)
}

// invalid returns a KindValidation error about one member of a request (its path as openswf.Error.Member
// describes it) whose value breaks constraint. The engine states the facts; each API words the message.
func invalid(member, value, constraint string) error {
	return openswf.InvalidMember(member, &value, constraint)
}

// absent returns a KindValidation error about a member of a request that must be given and was not.
func absent(member, constraint string) error {
	return openswf.InvalidMember(member, nil, constraint)
}
