package sfn

import (
	"fmt"
	"strings"
	"unicode"
)

// Resource types of Step Functions ARNs.
const (
	arnActivity     = "activity"
	arnStateMachine = "stateMachine"
	arnExecution    = "execution"
)

// arnPrefix is "arn:aws:states:<region>:<account>:".
func (s *Service) arnPrefix() string {
	return "arn:aws:states:" + s.opts.Region + ":" + s.opts.Account + ":"
}

// arn builds the ARN of a resource: its type and the parts of its name.
func (s *Service) arn(typ string, names ...string) string {
	return s.arnPrefix() + typ + ":" + strings.Join(names, ":")
}

// parsedARN is a Step Functions ARN taken apart.
type parsedARN struct {
	typ   string
	names []string
	// local says it names this server's region and account; an ARN of another one names nothing here.
	local bool
}

// parseARN takes an ARN of resource type want apart, answering InvalidArn as AWS words it when it is not
// one. An ARN of another region or account parses, with local false.
func (s *Service) parseARN(arn, want string) (parsedARN, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "states" {
		return parsedARN{}, invalidArn(fmt.Sprintf("Invalid ARN prefix: %s", arn))
	}
	p := parsedARN{typ: parts[5], names: parts[6:],
		local: parts[1] == "aws" && parts[3] == s.opts.Region && parts[4] == s.opts.Account}
	if p.typ != want {
		return parsedARN{}, invalidArn(fmt.Sprintf("Resource type not valid in this context: %s", p.typ))
	}
	n := 1
	if want == arnExecution {
		n = 2
	}
	if len(p.names) != n || slicesHasEmpty(p.names) {
		return parsedARN{}, invalidArn(fmt.Sprintf("Invalid ARN format: %s", arn))
	}
	return p, nil
}

func slicesHasEmpty(ss []string) bool {
	for _, s := range ss {
		if s == "" {
			return true
		}
	}
	return false
}

// validName reports whether a name of an activity, state machine or execution is one Step Functions
// accepts: 1 to 80 characters, no white space, none of < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : / and no
// control characters.
func validName(name string) bool {
	if name == "" || len([]rune(name)) > 80 {
		return false
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return false
		}
	}
	return true
}

// checkName answers InvalidName for a name Step Functions refuses.
func checkName(name string) error {
	if !validName(name) {
		return fault("InvalidName", fmt.Sprintf("Invalid Name: '%s'", name))
	}
	return nil
}
