package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// helpFlag finds the flags a --help lists: "  -name …" (the flag package's) or "  --name …" (the inspection
// commands').
var helpFlag = regexp.MustCompile(`(?m)^\s+--?([a-z][a-z0-9-]*)`)

// TestCompletion_FlagsMatchHelp holds the completion scripts' lists to the commands: each command path's
// flags are the flags its --help lists, and each subcommand there answers --help.
func TestCompletion_FlagsMatchHelp(t *testing.T) {
	for _, c := range completionTree {
		if c.path == "openswf" || c.path == "openswf completion" {
			continue
		}
		args := append(strings.Fields(c.path)[1:], "--help")
		var out, errw bytes.Buffer
		if code := Main(context.Background(), args, &out, &errw, envMap(nil), nil); code != 0 {
			t.Errorf("openswf %s: exit %d: %s", strings.Join(args, " "), code, errw.String())
			continue
		}
		help := out.String() + errw.String()
		if len(c.subs) > 0 {
			for _, s := range c.subs {
				if !strings.Contains(help, s) {
					t.Errorf("openswf %s --help does not name the subcommand %s", c.path, s)
				}
			}
			continue
		}
		inspection := isInspection(args[0])
		var listed []string
		for _, m := range helpFlag.FindAllStringSubmatch(help, -1) {
			f := "--" + m[1]
			if !(inspection && slices.Contains(inspectionGlobalFlags, f)) && !slices.Contains(listed, f) {
				listed = append(listed, f)
			}
		}
		got := slices.Clone(c.flags)
		slices.Sort(got)
		slices.Sort(listed)
		if !slices.Equal(got, listed) {
			t.Errorf("%s: completion lists %v, --help lists %v", c.path, got, listed)
		}
	}
}

// TestCompletion_Scripts checks that each script is valid for its shell (bash -n, zsh -n when zsh is
// installed), names every command, and completes as a person would: subcommands after a command, a
// command's flags after "--", the values of --output.
func TestCompletion_Scripts(t *testing.T) {
	scripts := map[string]string{}
	for _, shell := range []string{"bash", "zsh"} {
		r := runCLI(t, nil, "completion", shell)
		if r.code != 0 {
			t.Fatalf("completion %s: exit %d: %s", shell, r.code, r.err)
		}
		for _, cmd := range []string{"serve", "domains", "executions", "history", "activities", "sfn", "state-machines", "--workflow-id", "--endpoint"} {
			if !strings.Contains(r.out, cmd) {
				t.Errorf("completion %s: the script does not name %s", shell, cmd)
			}
		}
		file := filepath.Join(t.TempDir(), "openswf."+shell)
		if err := os.WriteFile(file, []byte(r.out), 0o600); err != nil {
			t.Fatal(err)
		}
		scripts[shell] = file
	}
	if r := runCLI(t, nil, "completion", "fish"); r.code != exitUsage {
		t.Errorf("completion fish: exit %d, want %d", r.code, exitUsage)
	}

	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash: the scripts are not run")
	}
	if out, err := exec.Command(bash, "-n", scripts["bash"]).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	// complete(words…) prints what the script offers for the last word.
	probe := `source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _openswf; echo "${COMPREPLY[*]}"`
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"openswf", "ex"}, "executions"},
		{[]string{"openswf", "executions", ""}, "list describe"},
		{[]string{"openswf", "sfn", "executions", ""}, "list describe history"},
		{[]string{"openswf", "executions", "list", "--domain", "d", "--wo"}, "--workflow-id"},
		{[]string{"openswf", "history", "--output", ""}, "table json"},
		{[]string{"openswf", "activities", "--st"}, "--state"},
	} {
		out, err := exec.Command(bash, append([]string{"-c", probe, "probe", scripts["bash"]}, tc.words...)...).CombinedOutput()
		if err != nil {
			t.Errorf("bash completion of %q: %v\n%s", tc.words, err, out)
			continue
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("bash completion of %q: got %q, want %q", tc.words, got, tc.want)
		}
	}

	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Log("no zsh: its script is not checked with zsh -n")
		return
	}
	if out, err := exec.Command(zsh, "-n", scripts["zsh"]).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	zprobe := `compdef() { :; }; source "$1"; shift
compadd() { shift; echo "$*"; }
words=("$@"); CURRENT=${#words}; _openswf`
	out, err := exec.Command(zsh, "-f", "-c", zprobe, "probe", scripts["zsh"], "openswf", "sfn", "executions", "").CombinedOutput()
	if got := strings.TrimSpace(string(out)); err != nil || got != "list describe history" {
		t.Errorf("zsh completion of openswf sfn executions: got %q (%v), want \"list describe history\"", got, err)
	}
}
