package metrics

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// ContentType is the media type of the text exposition format the Registry writes.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Registry holds metric families and writes them in the Prometheus text exposition format 0.0.4. Its
// New… methods register a family and return the handle to record into; they panic on a name that is not a
// valid Prometheus name or is already registered, which, like regexp.MustCompile's panics, is a mistake in
// the program's wiring rather than a condition to handle.
//
// A Registry is safe for concurrent use; recording never touches it.
type Registry struct {
	mu       sync.Mutex
	families map[string]family // by name
}

// family is one registered metric family.
type family interface {
	// desc names and describes the family.
	desc() *desc
	// write appends the family's samples (not its HELP and TYPE lines) to t.
	write(t *textWriter)
}

// desc is what every family has: a name, a help text, a type and the names of its labels.
type desc struct {
	name, help, typ string
	labels          []string
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	return &Registry{families: make(map[string]family)}
}

// register adds f, panicking if its name or label names are invalid or its name is taken.
func (r *Registry) register(f family) {
	d := f.desc()
	if !validName(d.name, true) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", d.name))
	}
	for i, l := range d.labels {
		if !validName(l, false) || strings.HasPrefix(l, "__") || (l == "le" && d.typ == "histogram") {
			panic(fmt.Sprintf("metrics: %s: invalid label name %q", d.name, l))
		}
		if slices.Contains(d.labels[:i], l) {
			panic(fmt.Sprintf("metrics: %s: label %q given twice", d.name, l))
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.families[d.name]; dup {
		panic(fmt.Sprintf("metrics: %s registered twice", d.name))
	}
	r.families[d.name] = f
}

// validName reports whether s is a valid metric name (colons allowed) or label name (colons not allowed).
func validName(s string, colon bool) bool {
	if s == "" {
		return false
	}
	for i, c := range []byte(s) {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (colon && c == ':') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// WriteText writes every family, ordered by name, in the text exposition format 0.0.4: a HELP and a TYPE
// line, then the samples ordered by label values. Functions registered with NewGaugeFunc and
// NewGaugeVecFunc run now, one after another, without the Registry's lock held.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	fams := make([]family, 0, len(r.families))
	for _, f := range r.families {
		fams = append(fams, f)
	}
	r.mu.Unlock()
	slices.SortFunc(fams, func(a, b family) int { return strings.Compare(a.desc().name, b.desc().name) })

	t := &textWriter{}
	for _, f := range fams {
		d := f.desc()
		t.b = append(t.b, "# HELP "...)
		t.b = append(t.b, d.name...)
		t.b = append(t.b, ' ')
		t.b = appendEscaped(t.b, d.help, false)
		t.b = append(t.b, "\n# TYPE "...)
		t.b = append(t.b, d.name...)
		t.b = append(t.b, ' ')
		t.b = append(t.b, d.typ...)
		t.b = append(t.b, '\n')
		f.write(t)
	}
	_, err := w.Write(t.b)
	return err
}

// Handler serves the registry to Prometheus: GET (and HEAD) answer the text format, other methods 405.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var b bytes.Buffer
		if err := r.WriteText(&b); err != nil { // a bytes.Buffer does not fail; kept for the contract
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Cache-Control", "no-store")
		if req.Method == http.MethodGet {
			_, _ = w.Write(b.Bytes()) // an error means the scraper went away
		}
	})
}
