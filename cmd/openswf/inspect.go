package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// The exit statuses of the inspection commands, which scripts may rely on (docs/CLI.md).
const (
	exitOK          = 0 // success
	exitFailure     = 1 // a fault the server answered, or a failure of the client
	exitUsage       = 2 // bad flags or arguments
	exitNotFound    = 3 // no such domain, run, execution, state machine, activity
	exitDenied      = 4 // refused by access control, or the credentials were not accepted
	exitUnreachable = 5 // no answer from the endpoint
)

// notFoundFaults are the faults that mean the thing asked about does not exist.
var notFoundFaults = []string{"UnknownResourceFault", "ExecutionDoesNotExist", "StateMachineDoesNotExist", "ActivityDoesNotExist"}

// deniedFaults are the faults of access control and of authentication: the answer would be there for
// someone else.
var deniedFaults = []string{"OperationNotPermittedFault", "AccessDeniedException", "UnrecognizedClientException",
	"InvalidSignatureException", "IncompleteSignatureException", "MissingAuthenticationTokenException"}

// usageError is a bad flag or argument: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// notFoundError is something the client looked for and did not find (a run of a workflow id, a state
// machine by name): exit 3, as the server's own not-found faults.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

// exitCode maps an inspection command's error to its exit status.
func exitCode(err error) int {
	var ue *usageError
	var nf *notFoundError
	var un *unreachableError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &nf):
		return exitNotFound
	case errors.As(err, &un):
		return exitUnreachable
	}
	if f, ok := errorsAsAPI(err); ok {
		for _, c := range notFoundFaults {
			if f.Code == c {
				return exitNotFound
			}
		}
		for _, c := range deniedFaults {
			if f.Code == c {
				return exitDenied
			}
		}
	}
	return exitFailure
}

// isInspection reports whether name is one of the commands that talk to an endpoint as a client.
func isInspection(name string) bool {
	switch name {
	case "domains", "executions", "history", "activities", "sfn", "completion":
		return true
	}
	return false
}

// inspector runs the inspection commands: answers go to out, errors to errw; the environment is read
// through getenv only (tests give their own).
type inspector struct {
	out, errw io.Writer
	getenv    func(string) string
	now       func() time.Time
	pageSize  int // the client's pageSize: 0 but in tests
}

// run runs one inspection command line, args[0] being the command.
func (in *inspector) run(ctx context.Context, args []string) error {
	switch args[0] {
	case "domains":
		return in.domains(ctx, args[1:])
	case "executions":
		return in.sub(ctx, "executions", args[1:], map[string]func(context.Context, []string) error{
			"list": in.executionsList, "describe": in.executionsDescribe,
		})
	case "history":
		return in.history(ctx, args[1:])
	case "activities":
		return in.activities(ctx, args[1:])
	case "sfn":
		return in.sub(ctx, "sfn", args[1:], map[string]func(context.Context, []string) error{
			"executions": func(ctx context.Context, args []string) error {
				return in.sub(ctx, "sfn executions", args, map[string]func(context.Context, []string) error{
					"list": in.sfnExecutionsList, "describe": in.sfnExecutionsDescribe, "history": in.sfnHistory,
				})
			},
			"state-machines": in.sfnStateMachines,
			"activities":     in.sfnActivities,
		})
	case "completion":
		return in.completion(args[1:])
	}
	return usagef("unknown command %q", args[0])
}

// sub dispatches to the subcommand args[0] of cmd.
func (in *inspector) sub(ctx context.Context, cmd string, args []string, subs map[string]func(context.Context, []string) error) error {
	names := make([]string, 0, len(subs))
	for n := range subs {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		text := fmt.Sprintf("usage: openswf %s <%s> [flags]\n\nRun 'openswf %s <command> --help' for each command's flags.\n", cmd, strings.Join(names, "|"), cmd)
		if len(args) == 0 {
			return usagef("%s", strings.TrimSpace(text))
		}
		fmt.Fprint(in.out, text)
		return nil
	}
	f, ok := subs[args[0]]
	if !ok {
		return usagef("%s: unknown command %q (want one of %s)", cmd, args[0], strings.Join(names, ", "))
	}
	return f(ctx, args[1:])
}

// globals are the flags every inspection command takes.
type globals struct {
	endpoint, region, profile, output, caBundle string
	timeout                                     time.Duration
	// usage prints the command's --help to out. fs.Usage does nothing: the flag package calls it on
	// every parse error too, which would put the help on standard output under an error.
	usage func()
}

// globalsHelp closes the --help of every inspection command.
const globalsHelp = `
Global flags (every inspection command):
  --endpoint URL   the openswf endpoint (env OPENSWF_ENDPOINT; default http://127.0.0.1:7740)
  --region NAME    the region to sign for (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1)
  --profile NAME   the profile of ~/.aws/credentials and ~/.aws/config to sign with (default: AWS_PROFILE)
  --output FORMAT  table (for people) or json (the AWS answers, pages merged, for scripts)
  --timeout D      give up on a request after this long (default 30s)
  --ca-bundle FILE PEM certificates to trust for an https endpoint instead of the system's (env AWS_CA_BUNDLE)

Credentials: --profile's keys, else AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else the profile AWS_PROFILE
or "default" names in ~/.aws/credentials or ~/.aws/config (static keys only). With none found anywhere the
requests are signed with anonymous credentials, which a server without --auth accepts.

Exit status: 0 success; 1 a fault the server answered or a client failure; 2 bad flags or arguments;
3 not found; 4 access denied or credentials refused; 5 the endpoint unreachable.
`

// flagSet makes the flag set of a command, with the global flags; usage is the command's own text.
func (in *inspector) flagSet(name, usage string) (*flag.FlagSet, *globals) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g := &globals{}
	fs.StringVar(&g.endpoint, "endpoint", "", "the openswf endpoint (env OPENSWF_ENDPOINT; default http://127.0.0.1:7740)")
	fs.StringVar(&g.region, "region", "", "the region to sign for (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1)")
	fs.StringVar(&g.profile, "profile", "", "the shared-config profile to sign with (default: AWS_PROFILE, else the environment's keys)")
	fs.StringVar(&g.output, "output", "table", "table or json")
	fs.DurationVar(&g.timeout, "timeout", 30*time.Second, "give up on a request after this long")
	fs.StringVar(&g.caBundle, "ca-bundle", "", "PEM certificates to trust for an https endpoint instead of the system's (env AWS_CA_BUNDLE)")
	fs.Usage = func() {}
	g.usage = func() {
		fmt.Fprintf(in.out, "usage: openswf %s\n", usage)
		tw := newTable(in.out)
		own := 0
		fs.VisitAll(func(f *flag.Flag) {
			switch f.Name {
			case "endpoint", "region", "profile", "output", "timeout", "ca-bundle":
				return
			}
			if own++; own == 1 {
				fmt.Fprintln(tw, "\nFlags:")
			}
			name, _ := flag.UnquoteUsage(f)
			if name != "" {
				name = " " + strings.ToUpper(name)
			}
			fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, name, f.Usage)
		})
		tw.Flush()
		fmt.Fprint(in.out, globalsHelp)
	}
	return fs, g
}

// parse parses args into fs, flags and arguments in any order, and returns the arguments. --help prints
// the usage to out and returns flag.ErrHelp.
func (in *inspector) parse(fs *flag.FlagSet, g *globals, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				g.usage()
				return nil, err
			}
			return nil, usagef("%s: %v (see --help)", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if g.output != "table" && g.output != "json" {
		return nil, usagef("%s: --output %q: want table or json", fs.Name(), g.output)
	}
	if g.timeout <= 0 {
		return nil, usagef("%s: --timeout %v: must be positive", fs.Name(), g.timeout)
	}
	return pos, nil
}

// client makes the client the global flags describe.
func (in *inspector) client(g *globals) (*client, error) {
	endpoint := firstOf(g.endpoint, in.getenv("OPENSWF_ENDPOINT"), "http://127.0.0.1:7740")
	if !strings.Contains(endpoint, "://") {
		endpoint = "http://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--endpoint %q: want a URL such as http://127.0.0.1:7740", endpoint)
	}
	creds, region, err := resolveCredentials(in.getenv, g.profile, g.region, func(command string) (credentials, error) {
		return processCredentials(context.Background(), command, in.errw, in.now())
	})
	if errors.Is(err, errNoProfile) {
		return nil, &usageError{msg: err.Error()}
	}
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Timeout: g.timeout}
	if bundle := firstOf(g.caBundle, in.getenv("AWS_CA_BUNDLE")); bundle != "" {
		pem, err := os.ReadFile(bundle)
		if err != nil {
			return nil, usagef("--ca-bundle: %v", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, usagef("--ca-bundle %s: no PEM certificate in it", bundle)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
		hc.Transport = tr
	}
	return &client{endpoint: endpoint, region: region, creds: creds, http: hc, now: in.now, pageSize: in.pageSize}, nil
}

// writeJSON prints v as indented JSON: the --output json of every command.
func (in *inspector) writeJSON(v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the output: %w", err)
	}
	_, err = fmt.Fprintf(in.out, "%s\n", data)
	return err
}

// newTable returns a writer that aligns tab-separated columns; Flush prints them.
func newTable(w io.Writer) *table {
	return &table{tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)}
}

// table is a tabwriter whose cells never carry control characters to the terminal: a worker's identity, a
// description, a tag or a Step Functions error is anyone's text, and an escape sequence in it would be
// obeyed by the terminal (move the cursor, rewrite what was printed, set the window's title). They are
// written escaped (\x1b), as are the bidirectional formatting characters that would reorder a line.
type table struct{ tw *tabwriter.Writer }

func (t *table) Write(p []byte) (int, error) {
	if _, err := t.tw.Write([]byte(escapeControls(string(p)))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes the aligned table.
func (t *table) Flush() error { return t.tw.Flush() }

// escapeControls writes the control characters of s but tab and newline, which separate a table's cells and
// rows, and its bidirectional formatting characters, as Go escapes.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, isHidden) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !isHidden(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}

func isHidden(r rune) bool {
	return r != '\t' && r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r))
}

// epoch is an AWS JSON 1.0 timestamp: seconds since the epoch, a fraction allowed.
type epoch float64

// Time is the timestamp as a time; the zero time for 0.
func (e epoch) Time() time.Time {
	if e == 0 {
		return time.Time{}
	}
	sec := int64(e)
	return time.Unix(sec, int64((float64(e)-float64(sec))*1e9))
}

// localTime writes t in local time to the second, "-" for none.
func localTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// ago writes how long before now t was, to a tenth of a second under a minute: "3.2s ago".
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return shortDuration(now.Sub(t)) + " ago"
}

// shortDuration writes d in the unit a person reads at a glance: 850ms, 3.2s, 4m12s, 2h5m, 3d4h.
func shortDuration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	var s string
	switch {
	case d < time.Second:
		s = strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	case d < time.Minute:
		s = strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Hour:
		s = fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 24*time.Hour:
		s = fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		s = fmt.Sprintf("%dd%02dh", int(d.Hours())/24, int(d.Hours())%24)
	}
	if neg {
		return "-" + s
	}
	return s
}

// truncate cuts s to n runes, marking the cut with "…"; newlines and tabs become spaces, so that a value
// stays on its table row.
func truncate(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// dash writes "-" for an empty cell.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// parseWhen reads --since and --until: a duration before now (90m, 36h, 7d) or an RFC 3339 time.
func parseWhen(flagName, s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.ParseFloat(days, 64); err == nil && n >= 0 {
			return now.Add(-time.Duration(n * float64(24*time.Hour))), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, usagef("--%s %q: want a duration before now (90m, 36h, 7d) or an RFC 3339 time (2026-12-01T08:00:00Z)", flagName, s)
}

// isHelp reports whether err is the end of a --help, which is a success.
func isHelp(err error) bool { return errors.Is(err, flag.ErrHelp) }
