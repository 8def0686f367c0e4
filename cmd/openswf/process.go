package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// processTimeout bounds a credential process: one that never answers must not hang a command.
const processTimeout = time.Minute

// processCredentials runs a profile's credential_process, as the AWS CLI and SDKs do: the command line split
// as a POSIX shell splits words (quotes and backslashes), run without a shell, its standard error passed on,
// its standard output the JSON document {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken",
// "Expiration"}. Keys that expired are refused, since a one-shot command cannot refresh them.
func processCredentials(ctx context.Context, command string, stderr io.Writer, now time.Time) (credentials, error) {
	args, err := splitCommand(command)
	if err != nil {
		return credentials{}, fmt.Errorf("credential_process %q: %w", command, err)
	}
	if len(args) == 0 {
		return credentials{}, errors.New("credential_process is empty")
	}
	ctx, cancel := context.WithTimeout(ctx, processTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	cmd.WaitDelay = 5 * time.Second // a child of the process that keeps its output open must not hang us
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("no answer within %s", processTimeout)
		}
		return credentials{}, fmt.Errorf("credential_process %s: %w", args[0], err)
	}
	var doc struct {
		Version         int
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		return credentials{}, fmt.Errorf("credential_process %s: its output is not the JSON of credentials: %w", args[0], err)
	}
	switch {
	case doc.Version != 1:
		return credentials{}, fmt.Errorf("credential_process %s: Version %d, want 1", args[0], doc.Version)
	case doc.AccessKeyID == "" || doc.SecretAccessKey == "":
		return credentials{}, fmt.Errorf("credential_process %s: AccessKeyId or SecretAccessKey missing", args[0])
	}
	if doc.Expiration != "" {
		exp, err := time.Parse(time.RFC3339, doc.Expiration)
		if err != nil {
			return credentials{}, fmt.Errorf("credential_process %s: Expiration %q is not an RFC 3339 time", args[0], doc.Expiration)
		}
		if !exp.After(now) {
			return credentials{}, fmt.Errorf("credential_process %s: the credentials expired at %s", args[0], doc.Expiration)
		}
	}
	return credentials{AccessKeyID: doc.AccessKeyID, SecretAccessKey: doc.SecretAccessKey, SessionToken: doc.SessionToken}, nil
}

// splitCommand splits a command line into words as a POSIX shell does, without expanding anything: words
// are separated by blanks; single quotes keep everything; double quotes keep everything but a backslash
// before ", \, $ or `; a backslash outside quotes keeps the next character.
func splitCommand(s string) ([]string, error) {
	var (
		words []string
		word  strings.Builder
		have  bool // a word is open, possibly empty ("")
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if have {
				words, have = append(words, word.String()), false
				word.Reset()
			}
		case c == '\\':
			if i+1 >= len(s) {
				return nil, errors.New("it ends with a backslash")
			}
			i++
			if s[i] != '\n' { // a backslash-newline joins lines
				word.WriteByte(s[i])
				have = true
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("a single quote is not closed")
			}
			word.WriteString(s[i+1 : i+1+end])
			i += 1 + end
			have = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
					i++
					if s[i] == '\n' {
						continue
					}
				}
				word.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("a double quote is not closed")
			}
			have = true
		default:
			word.WriteByte(c)
			have = true
		}
	}
	if have {
		words = append(words, word.String())
	}
	return words, nil
}
