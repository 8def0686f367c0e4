package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestResolveBuildInfo(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.99.1", Main: debug.Module{Version: "v0.3.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	for _, tt := range []struct {
		name                  string
		bi                    *debug.BuildInfo
		version, commit, date string
		want                  buildInfo
	}{
		{name: "nothing recorded", want: buildInfo{Version: "(devel)", Commit: "unknown", Date: "unknown", GoVersion: runtime.Version()}},
		{name: "toolchain", bi: stamped,
			want: buildInfo{Version: "v0.3.0", Commit: "0123abcd+modified", Date: "2026-01-02T03:04:05Z", GoVersion: "go1.99.1"}},
		{name: "linker overrides", bi: stamped, version: "v1.0.0", commit: "fedc", date: "2026-12-01T00:00:00Z",
			want: buildInfo{Version: "v1.0.0", Commit: "fedc", Date: "2026-12-01T00:00:00Z", GoVersion: "go1.99.1"}},
		{name: "checkout without VCS", bi: &debug.BuildInfo{GoVersion: "go1.99.1", Main: debug.Module{Version: "(devel)"}},
			want: buildInfo{Version: "(devel)", Commit: "unknown", Date: "unknown", GoVersion: "go1.99.1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolveBuildInfo(tt.bi, tt.version, tt.commit, tt.date); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRun_Version(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"version"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"openswf ", "\ncommit  ", "\nbuilt   ", "\ngo      " + runtime.Version()} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("openswf version printed:\n%s\nwant %q", &out, want)
		}
	}
}

// TestVersion_ReleaseBuild builds the binary as a release would, with the -ldflags -X variables the
// package documents, and checks that `openswf version` prints what was stamped.
func TestVersion_ReleaseBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "openswf")
	build := exec.Command("go", "build", "-o", bin, "-ldflags",
		"-X main.version=v7.7.7 -X main.commit=feedface -X main.date=2026-12-02T00:00:00Z", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("openswf version: %v\n%s", err, out)
	}
	for _, want := range []string{"openswf v7.7.7\n", "commit  feedface\n", "built   2026-12-02T00:00:00Z\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("openswf version printed:\n%s\nwant %q", out, want)
		}
	}
}
