package metrics

import (
	"runtime"
	"testing"
)

func TestRegisterBuildInfo(t *testing.T) {
	r := NewRegistry()
	RegisterBuildInfo(r, "v1.2.3", "0123abc+modified")
	wantText(t, r, `
# HELP openswf_build_info Always 1; the labels say what the server was built from.
# TYPE openswf_build_info gauge
openswf_build_info{version="v1.2.3",commit="0123abc+modified",go_version="`+runtime.Version()+`"} 1
`)
}
