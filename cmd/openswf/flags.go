package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// clientReadTimeout is how long the AWS clients wait for an answer by default: botocore's read_timeout
// (the aws CLI, boto3) is 60 s. A --poll-hold at or past it makes an empty poll fail in the client.
const clientReadTimeout = 60 * time.Second

// parseFlags parses args into fs and refuses any argument left over: the flag package stops at the first
// one, so flags after a stray word would otherwise be ignored without a word. --help and -h print fs's
// usage and return flag.ErrHelp, which Run takes for success.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (this command takes flags only, and none after it were read)", fs.Name(), fs.Arg(0))
	}
	return nil
}

// envName is the environment variable of a flag: OPENSWF_ and the flag's name in upper case, dashes as
// underscores (--poll-hold: OPENSWF_POLL_HOLD).
func envName(flagName string) string {
	return "OPENSWF_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// documentEnv appends each flag's environment variable to its help text.
func documentEnv(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) { f.Usage += " (env " + envName(f.Name) + ")" })
}

// applyEnv sets each flag not given on the command line from its environment variable, when that is set
// and not empty. Called after parseFlags, so that a flag wins over its variable and --help shows the
// built-in defaults.
func applyEnv(fs *flag.FlagSet) error {
	given := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		v := os.Getenv(name)
		if given[f.Name] || v == "" || err != nil {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = fmt.Errorf("%s=%q: %w", name, v, serr)
		}
	})
	return err
}
