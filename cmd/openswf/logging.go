package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// newLogger makes serve's logger from --log-level and --log-format, writing to w.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil || !validLevel(level) {
		return nil, fmt.Errorf("--log-level (OPENSWF_LOG_LEVEL) %q: want debug, info, warn or error", level)
	}
	return newHandlerLogger(w, lv, format)
}

// newHandlerLogger makes a logger of format, text or json, at level lv.
func newHandlerLogger(w io.Writer, lv slog.Level, format string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format (OPENSWF_LOG_FORMAT) %q: want text or json", format)
}

// validLevel accepts the four level names only: slog also reads offsets such as "info+2", which nobody
// means on a command line.
func validLevel(s string) bool {
	switch strings.ToLower(s) {
	case "debug", "info", "warn", "error":
		return true
	}
	return false
}
