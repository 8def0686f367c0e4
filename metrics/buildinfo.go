package metrics

import "runtime"

// RegisterBuildInfo registers openswf_build_info, the usual constant 1 whose labels say what the server
// was built from: version, commit, and the Go version it was compiled with.
func RegisterBuildInfo(r *Registry, version, commit string) {
	goVersion := runtime.Version()
	r.NewGaugeVecFunc("openswf_build_info", "Always 1; the labels say what the server was built from.",
		[]string{"version", "commit", "go_version"},
		func(emit func(float64, ...string)) { emit(1, version, commit, goVersion) })
}
