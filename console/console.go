package console

import (
	"embed"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// assets are the console's pages, scripts and styles, committed as source: no build step, no bundler.
//
//go:embed assets
var assets embed.FS

// Prefix is the path under which the console is served.
const Prefix = "/ui/"

// CSP is the Content-Security-Policy of every console answer: scripts, styles, images and requests from
// the server itself only; no inline script or style, no plugin, no framing, no other origin. Trusted Types
// with no policy make the browser refuse every string given to an HTML or script sink (innerHTML,
// insertAdjacentHTML, document.write, an on* attribute), so that a future change reading server data as
// markup fails loudly instead of opening a hole; browsers without Trusted Types ignore the two directives.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; " +
	"require-trusted-types-for 'script'; trusted-types 'none'"

// Config configures a Console.
type Config struct {
	// Region is the region the browser signs its requests for; us-east-1 when empty.
	Region string
	// Auth says whether access control is on: the console then asks for an access key and its secret.
	Auth bool
	// Version is the server's version, shown in the page's footer.
	Version string
	// Scrape writes the server's metrics in the Prometheus text format (metrics.Registry.WriteText); the
	// sampler reads them. Nil: no samples, /ui/api/metrics answers an empty list.
	Scrape func(io.Writer) error
	// Interval is how often the sampler reads the metrics (DefaultInterval when zero), Keep how long it keeps
	// them (DefaultKeep when zero).
	Interval, Keep time.Duration
	Logger         *slog.Logger
}

// Console serves the web console. Its sampler runs from New until Close.
type Console struct {
	cfg     Config
	files   fs.FS
	config  []byte // /ui/config.json
	sampler *Sampler
}

// New returns a Console and starts its metrics sampler.
func New(cfg Config) *Console {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	files, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the directory is embedded: it is there
	}
	config, _ := json.Marshal(struct {
		Region  string `json:"region"`
		Auth    bool   `json:"auth"`
		Version string `json:"version"`
	}{cfg.Region, cfg.Auth, cfg.Version})
	c := &Console{cfg: cfg, files: files, config: config}
	c.sampler = NewSampler(cfg.Scrape, cfg.Interval, cfg.Keep, cfg.Logger)
	if cfg.Scrape != nil {
		c.sampler.Start()
	}
	return c
}

// Close stops the sampler.
func (c *Console) Close() { c.sampler.Stop() }

// ServeHTTP serves the console's paths: Prefix itself (the page), Prefix+"config.json",
// Prefix+"api/metrics" and the assets. GET and HEAD only; anything else under Prefix is 404.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed: the console answers GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		http.Redirect(w, r, Prefix, http.StatusFound)
		return
	}
	switch name {
	case "config.json":
		h.Set("Cache-Control", "no-store")
		c.write(w, r, "application/json", c.config)
		return
	case "api/metrics":
		b, err := json.Marshal(c.sampler.Series())
		if err != nil {
			c.cfg.Logger.Error("console: encode metrics", "error", err)
			http.Error(w, "500 internal error", http.StatusInternalServerError)
			return
		}
		h.Set("Cache-Control", "no-store")
		c.write(w, r, "application/json", b)
		return
	case "":
		name = "index.html"
	}
	if strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
		notFound(w)
		return
	}
	b, err := fs.ReadFile(c.files, name)
	if err != nil {
		notFound(w)
		return
	}
	typ := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) { // not left to the system's MIME table, which may lack or differ on these
	case ".js":
		typ = "text/javascript; charset=utf-8"
	case ".css":
		typ = "text/css; charset=utf-8"
	case ".html":
		typ = "text/html; charset=utf-8"
	case ".svg":
		typ = "image/svg+xml"
	}
	// The assets change with the binary only; no-cache makes the browser ask again (cheap, and a server
	// upgraded under an open page never mixes old and new modules for long).
	h.Set("Cache-Control", "no-cache")
	c.write(w, r, typ, b)
}

func (c *Console) write(w http.ResponseWriter, r *http.Request, typ string, b []byte) {
	w.Header().Set("Content-Type", typ)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "404 not found", http.StatusNotFound)
}

// WantsHTML reports whether r, a GET of /, comes from a browser: its Accept header names text/html. The AWS
// clients never send one.
func WantsHTML(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(strings.ToLower(v), "text/html") {
			return true
		}
	}
	return false
}
