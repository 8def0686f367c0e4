package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSplitCommand(t *testing.T) {
	for line, want := range map[string][]string{
		`/bin/creds --profile ops`:         {"/bin/creds", "--profile", "ops"},
		`  a   b  `:                        {"a", "b"},
		`'/opt/my tools/creds' "x y" z\ w`: {"/opt/my tools/creds", "x y", "z w"},
		`a "" b`:                           {"a", "", "b"},
		`"q\"uote" 'back\slash' "d\$ \n"`:  {`q"uote`, `back\slash`, `d$ \n`},
		`a\` + "\n" + `b`:                  {"ab"},
		`x'y'"z"`:                          {"xyz"},
		``:                                 nil,
	} {
		got, err := splitCommand(line)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("splitCommand(%q) = %q, %v; want %q", line, got, err, want)
		}
	}
	for _, line := range []string{`a 'b`, `a "b`, `a\`} {
		if got, err := splitCommand(line); err == nil {
			t.Errorf("splitCommand(%q) = %q, want an error", line, got)
		}
	}
}

// A profile's credential_process is run, without a shell, and its JSON answer signs the requests; it comes
// after the credentials file's keys and before the config file's, as in the AWS CLI.
func TestProcessCredentials(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "my creds")
	mustWrite(t, script, `#!/bin/sh
echo "asked for $1" >&2
case "$1" in
  ok) printf '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "proc-secret", "SessionToken": "tok", "Expiration": "2999-01-01T00:00:00Z"}' ;;
  noexp) printf '{"Version": 1, "AccessKeyId": "AKIAPROC2", "SecretAccessKey": "s"}' ;;
  expired) printf '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "2001-01-01T00:00:00Z"}' ;;
  v2) printf '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}' ;;
  nokey) printf '{"Version": 1, "SecretAccessKey": "s"}' ;;
  junk) echo not json ;;
  fail) exit 3 ;;
esac
`)
	if err := chmodX(script); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	var stderr bytes.Buffer
	run := func(arg string) (credentials, error) {
		return processCredentials(context.Background(), `'`+script+`' `+arg, &stderr, now)
	}
	c, err := run("ok")
	if err != nil || c.AccessKeyID != "AKIAPROC" || c.SecretAccessKey != "proc-secret" || c.SessionToken != "tok" {
		t.Fatalf("ok: %+v, %v", c, err)
	}
	if !strings.Contains(stderr.String(), "asked for ok") {
		t.Errorf("the process's standard error was not passed on: %q", stderr.String())
	}
	if c, err := run("noexp"); err != nil || c.AccessKeyID != "AKIAPROC2" {
		t.Errorf("without Expiration: %+v, %v", c, err)
	}
	for arg, want := range map[string]string{
		"expired": "expired", "v2": "Version 2", "nokey": "AccessKeyId or SecretAccessKey missing",
		"junk": "not the JSON", "fail": "exit status 3",
	} {
		if _, err := run(arg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", arg, err, want)
		}
	}

	// In the chain.
	credFile, confFile := filepath.Join(dir, "credentials"), filepath.Join(dir, "config")
	mustWrite(t, credFile, "[both]\naws_access_key_id = AKIAFILE\naws_secret_access_key = f\ncredential_process = '"+script+"' ok\n")
	mustWrite(t, confFile, "[profile proc]\ncredential_process = '"+script+"' ok\naws_access_key_id = AKIACONF\naws_secret_access_key = c\n"+
		"[profile broken]\ncredential_process = '"+script+"' fail\n")
	env := envMap(map[string]string{"AWS_SHARED_CREDENTIALS_FILE": credFile, "AWS_CONFIG_FILE": confFile})
	process := func(command string) (credentials, error) {
		return processCredentials(context.Background(), command, &stderr, now)
	}
	for profile, want := range map[string]string{"both": "AKIAFILE", "proc": "AKIAPROC"} {
		c, _, err := resolveCredentials(env, profile, "", process)
		if err != nil || c.AccessKeyID != want {
			t.Errorf("profile %s: %+v, %v; want %s", profile, c, err, want)
		}
	}
	if c, _, _ := resolveCredentials(env, "proc", "", process); !strings.Contains(c.Source, "credential_process in "+confFile) {
		t.Errorf("the source: %q, want it to name the config file's credential_process", c.Source)
	}
	if _, _, err := resolveCredentials(env, "broken", "", process); err == nil || errors.Is(err, errNoProfile) || !strings.Contains(err.Error(), "profile broken") {
		t.Errorf("a failing credential_process: %v, want an error naming the profile", err)
	}
}

func chmodX(file string) error { return os.Chmod(file, 0o755) }

// FuzzSplitCommand checks that words quoted as a shell script would quote them come back as they were, and
// that no line makes splitCommand panic.
func FuzzSplitCommand(f *testing.F) {
	f.Add("/bin/creds", "--profile", "it's \"mine\"")
	f.Add("a b", "", "\\\t\n$`")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		splitCommand(a + b + c) // any line: words or an error, never a panic
		words := []string{a, b, c}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
		for _, line := range []string{strings.Join(quoted, " \t"), doubleQuoted(words)} {
			got, err := splitCommand(line)
			if err != nil || !slices.Equal(got, words) {
				t.Fatalf("splitCommand(%q) = %q, %v; want %q", line, got, err, words)
			}
		}
	})
}

// doubleQuoted quotes each word in double quotes, a backslash before each of " \ $ and `, and joins them.
func doubleQuoted(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		var b strings.Builder
		for j := range len(w) { // bytes: a word need not be UTF-8
			if strings.IndexByte("\"\\$`", w[j]) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(w[j])
		}
		q[i] = `"` + b.String() + `"`
	}
	return strings.Join(q, " ")
}
