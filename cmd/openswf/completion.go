package main

import (
	"fmt"
	"strings"
)

// completionTree is what the completion scripts complete: each command path's subcommands and flags.
// completion_test.go holds it to each command's --help, so that a new flag cannot be left out.
var completionTree = []struct {
	path  string // "openswf", "openswf executions", …
	subs  []string
	flags []string
}{
	{"openswf", []string{"serve", "rotate-token-key", "version", "healthcheck", "domains", "executions", "history", "activities", "sfn", "completion", "help"}, nil},
	{"openswf serve", nil, []string{"--addr", "--db", "--db-pool", "--lease", "--node-id", "--region", "--account", "--poll-hold", "--max-body",
		"--max-conns", "--idle-timeout", "--cpuprofile", "--allocprofile", "--rate-limit", "--auth", "--tls-cert", "--tls-key",
		"--log-level", "--log-format", "--access-log", "--console"}},
	{"openswf rotate-token-key", nil, []string{"--db", "--retire", "--retire-only"}},
	{"openswf version", nil, nil},
	{"openswf healthcheck", nil, []string{"--addr", "--path", "--tls", "--timeout"}},
	{"openswf domains", nil, []string{"--registration-status"}},
	{"openswf executions", []string{"list", "describe"}, nil},
	{"openswf executions list", nil, []string{"--domain", "--closed", "--status", "--type", "--workflow-id", "--tag", "--since", "--until", "--max"}},
	{"openswf executions describe", nil, []string{"--domain"}},
	{"openswf history", nil, []string{"--domain"}},
	{"openswf activities", nil, []string{"--open", "--domain", "--task-list", "--execution", "--activity-arn", "--execution-arn", "--state", "--max"}},
	{"openswf sfn", []string{"executions", "state-machines", "activities"}, nil},
	{"openswf sfn executions", []string{"list", "describe", "history"}, nil},
	{"openswf sfn executions list", nil, []string{"--state-machine", "--status", "--max"}},
	{"openswf sfn executions describe", nil, nil},
	{"openswf sfn executions history", nil, nil},
	{"openswf sfn state-machines", nil, nil},
	{"openswf sfn activities", nil, nil},
	{"openswf completion", []string{"bash", "zsh"}, nil},
}

// inspectionGlobalFlags are the flags every inspection command takes besides its own.
var inspectionGlobalFlags = []string{"--endpoint", "--region", "--profile", "--output", "--timeout", "--ca-bundle", "--help"}

// completionValues are the values of the flags that take one of a few.
var completionValues = []struct{ flag, values string }{
	{"--output", "table json"},
	{"--registration-status", "REGISTERED DEPRECATED"},
	{"--state", "SCHEDULED STARTED"},
	{"--status", "OPEN " + strings.Join(closeStatuses, " ") + " " + strings.Join(sfnStatuses, " ")},
	{"--log-level", "debug info warn error"},
	{"--log-format", "text json"},
}

// completionFunctions writes the shell functions both scripts share: _openswf_subcommands and
// _openswf_flags, each a case over the command path in $1 (bash and zsh read the same syntax).
func completionFunctions() string {
	var b strings.Builder
	b.WriteString("_openswf_subcommands() {\n    case \"$1\" in\n")
	for _, c := range completionTree {
		if len(c.subs) > 0 {
			fmt.Fprintf(&b, "        %q) echo %q ;;\n", c.path, strings.Join(c.subs, " "))
		}
	}
	b.WriteString("    esac\n}\n\n_openswf_flags() {\n    case \"$1\" in\n")
	for _, c := range completionTree {
		flags := c.flags
		words := strings.Fields(c.path)
		if len(words) > 1 && isInspection(words[1]) && words[1] != "completion" && len(c.subs) == 0 {
			flags = append(append([]string(nil), flags...), inspectionGlobalFlags...)
		} else {
			flags = append(append([]string(nil), flags...), "--help")
		}
		fmt.Fprintf(&b, "        %q) echo %q ;;\n", c.path, strings.Join(flags, " "))
	}
	b.WriteString("    esac\n}\n\n_openswf_values() {\n    case \"$1\" in\n")
	for _, v := range completionValues {
		fmt.Fprintf(&b, "        %s) echo %q ;;\n", v.flag, v.values)
	}
	b.WriteString("        *) return 1 ;;\n    esac\n}\n\n")
	// The command path: the words before the cursor that name a subcommand of the path so far (flag values
	// and arguments are skipped).
	b.WriteString(`_openswf_path() {
    local cmdpath="openswf" w subs
    for w in "$@"; do
        subs=" $(_openswf_subcommands "$cmdpath") "
        case "$subs" in
            *" $w "*) cmdpath="$cmdpath $w" ;;
        esac
    done
    echo "$cmdpath"
}
`)
	return b.String()
}

const bashCompletion = `
_openswf() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    local cmdpath values
    cmdpath="$(_openswf_path "${COMP_WORDS[@]:1:COMP_CWORD-1}")"
    if values="$(_openswf_values "$prev")"; then
        COMPREPLY=($(compgen -W "$values" -- "$cur"))
        return
    fi
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$(_openswf_flags "$cmdpath")" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$(_openswf_subcommands "$cmdpath")" -- "$cur"))
    fi
}
complete -o default -F _openswf openswf
`

const zshCompletion = `
_openswf() {
    local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}"
    local cmdpath values
    cmdpath="$(_openswf_path "${(@)words[2,CURRENT-1]}")"
    if values="$(_openswf_values "$prev")"; then
        compadd -- ${=values}
        return
    fi
    if [[ "$cur" == -* ]]; then
        compadd -- ${=$(_openswf_flags "$cmdpath")}
    else
        compadd -- ${=$(_openswf_subcommands "$cmdpath")}
    fi
}
if [[ "${funcstack[1]}" == "_openswf" ]]; then
    _openswf "$@"
else
    compdef _openswf openswf
fi
`

// completion is `openswf completion bash|zsh`: it prints the completion script of that shell.
func (in *inspector) completion(args []string) error {
	const install = "usage: openswf completion bash|zsh\n\nPrints a script that completes openswf's commands and flags:\n" +
		"  bash: source <(openswf completion bash)        (or save it in /etc/bash_completion.d/openswf)\n" +
		"  zsh:  source <(openswf completion zsh)         (after compinit; or save it as _openswf in $fpath)\n"
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(in.out, install)
		return nil
	}
	if len(args) != 1 {
		return usagef("%s", strings.TrimSpace(install))
	}
	switch args[0] {
	case "bash":
		fmt.Fprint(in.out, "# bash completion for openswf: source <(openswf completion bash)\n\n"+completionFunctions()+bashCompletion)
	case "zsh":
		fmt.Fprint(in.out, "#compdef openswf\n# zsh completion for openswf: source <(openswf completion zsh), after compinit\n\n"+
			completionFunctions()+zshCompletion)
	default:
		return usagef("completion: unknown shell %q: want bash or zsh", args[0])
	}
	return nil
}
