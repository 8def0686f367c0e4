package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// A release build stamps these with the linker; each one set overrides what the Go toolchain recorded:
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=$(git rev-parse HEAD) \
//	    -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ./cmd/openswf
//
// They are written by the linker only, never at run time.
var (
	version string // the release, e.g. v1.2.3
	commit  string // the full commit hash
	date    string // the build date, RFC 3339 in UTC
)

// buildInfo says what this binary was built from.
type buildInfo struct {
	Version   string // module version, "(devel)" for a build from a checkout
	Commit    string // VCS revision, with "+modified" when the tree had uncommitted changes; "unknown" if unrecorded
	Date      string // build date, or the commit's time when only the toolchain recorded it; "unknown" if neither
	GoVersion string
}

// readBuildInfo reads what the toolchain recorded in the binary (go build stamps the module version and,
// from a checkout, vcs.revision, vcs.time and vcs.modified) under the linker's overrides.
func readBuildInfo() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return resolveBuildInfo(bi, version, commit, date)
}

// resolveBuildInfo is readBuildInfo on a given record (nil when there is none) and overrides.
func resolveBuildInfo(bi *debug.BuildInfo, version, commit, date string) buildInfo {
	b := buildInfo{Version: "(devel)", Commit: "unknown", Date: "unknown", GoVersion: runtime.Version()}
	if bi != nil {
		if v := bi.Main.Version; v != "" {
			b.Version = v
		}
		if bi.GoVersion != "" {
			b.GoVersion = bi.GoVersion
		}
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.time":
				b.Date = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && b.Commit != "unknown" {
			b.Commit += "+modified"
		}
	}
	if version != "" {
		b.Version = version
	}
	if commit != "" {
		b.Commit = commit
	}
	if date != "" {
		b.Date = date
	}
	return b
}

// printVersion is the version command.
func printVersion(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: openswf version\n\nPrints the version, the commit and the build date of this binary.")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	b := readBuildInfo()
	fmt.Fprintf(out, "openswf %s\ncommit  %s\nbuilt   %s\ngo      %s %s/%s\n", b.Version, b.Commit, b.Date, b.GoVersion,
		runtime.GOOS, runtime.GOARCH)
	return nil
}
