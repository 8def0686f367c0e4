package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openswf/openswf/node"
)

// rotateTokenKey adds a task-token key to a stopped server's store, retiring old ones if asked, and prints
// the ring.
func rotateTokenKey(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("rotate-token-key", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: openswf rotate-token-key [flags]\n\nAdds a task-token key to a stopped server's database and prints the keys.\n\n")
		fs.PrintDefaults()
	}
	db := fs.String("db", envOr("OPENSWF_DB", "openswf.db"), "SQLite database file of the stopped server (env OPENSWF_DB)")
	var retire age
	fs.Var(&retire, "retire", "also remove the keys replaced as the signing key at least this long ago (e.g. 30d, 720h); "+
		"tokens they sealed stop opening, so make it longer than any task stays open")
	retireOnly := fs.Bool("retire-only", false, "remove keys with --retire without adding one")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *retireOnly && retire <= 0 {
		return errors.New("rotate-token-key: --retire-only needs --retire AGE")
	}
	now := time.Now()
	keys, err := node.RotateTokenKeys(ctx, *db, now, node.RotateOptions{Retire: time.Duration(retire), RetireOnly: *retireOnly})
	if err != nil {
		return fmt.Errorf("rotate-token-key: %w", err)
	}
	fmt.Fprintf(out, "task-token keys of %s (a server reads them when it starts):\n", *db)
	for _, k := range keys {
		state := "signing"
		if !k.Signing {
			state = "verifying, replaced " + k.Superseded.Format(time.RFC3339) + " (" + now.Sub(k.Superseded).Round(time.Minute).String() + " ago)"
		}
		fmt.Fprintf(out, "  key %3d  added %s  %s\n", k.ID, k.Added.Format(time.RFC3339), state)
	}
	return nil
}

// age is a duration flag that also takes whole days ("30d").
type age time.Duration

func (a *age) String() string { return time.Duration(*a).String() }

func (a *age) Set(s string) error {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseUint(d, 10, 16)
		if err != nil {
			return fmt.Errorf("parse %q as days: %w", s, err)
		}
		if n == 0 {
			return errors.New("must be positive")
		}
		*a = age(time.Duration(n) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if v <= 0 {
		return errors.New("must be positive")
	}
	*a = age(v)
	return nil
}
