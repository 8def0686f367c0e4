// Package node assembles one openswf server: a store chosen by its URL, the engine over it, the APIs,
// metrics and health check on one HTTP handler, and the HTTP server in front of it with its connection cap
// and timeouts. cmd/openswf runs a node; openswftest runs one in-process for tests.
package node

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/console"
	"github.com/openswf/openswf/engine"
	"github.com/openswf/openswf/iam"
	"github.com/openswf/openswf/metrics"
	"github.com/openswf/openswf/openswfapi"
	"github.com/openswf/openswf/postgres"
	"github.com/openswf/openswf/sfn"
	"github.com/openswf/openswf/sqlite"
	"github.com/openswf/openswf/swf"
)

// Config configures a node.
type Config struct {
	// DB is an SQLite file path, ":memory:" for a throwaway store, or a postgres:// (postgresql://) URL.
	DB string
	// DBPool caps the connections to PostgreSQL; the store's default when zero. SQLite ignores it.
	DBPool int
	// Lease is how long a PostgreSQL node's timer leases last unless renewed (postgres.DefaultLease when
	// zero): the longest a dead node's timers wait before another node fires them.
	Lease time.Duration
	// NodeID names this node to the others sharing a PostgreSQL database; random when empty.
	NodeID string
	// PollHold is how long long polls wait; engine default when zero.
	PollHold time.Duration
	// MaxBodyBytes caps request bodies; awsjson default when zero.
	MaxBodyBytes int64
	// Region and Account appear in every ARN (SWF domains, Step Functions resources); us-east-1 and
	// 000000000000 when empty.
	Region, Account string
	// Auth, when set, turns access control on: every request must be signed (SigV4) with one of its access
	// keys, and every action is decided against the key's user's policies. Its account, when set,
	// overrides Account. Nil accepts any credentials.
	Auth *iam.Config
	// RateLimit, when positive, bounds each access key to that many requests per second (ThrottlingException
	// past it).
	RateLimit float64
	// Version and Commit say what the server was built from, in the openswf_build_info metric; empty
	// when unknown.
	Version, Commit string
	// Clock defaults to the wall clock.
	Clock  openswf.Clock
	Logger *slog.Logger
	// AccessLog, when set, receives one line per request at info (accesslog.go); nil logs none, at no cost.
	AccessLog *slog.Logger
	// Console serves the web console at /ui/ (package console) and sends browsers there from GET /. Off,
	// /ui/ answers 404, GET / the index page, and the console's metrics sampler does not run.
	Console bool
	// ConsoleInterval is how often the console samples the metrics for its overview; console.DefaultInterval
	// when zero.
	ConsoleInterval time.Duration
}

// Node is a running openswf server without its listener.
type Node struct {
	Store  openswf.Store
	Engine *engine.Engine
	// Metrics holds the node's metrics, served at GET /metrics; a program may register its own on it.
	Metrics *metrics.Registry

	states *sfn.Service
	access *accessControl // nil when access control is off
	// leases and stopListening are a PostgreSQL node's timer leases and its notices' listener; nil on
	// SQLite.
	leases        *postgres.Leases
	stopListening context.CancelFunc
	loads         *timerLoads
	api           http.Handler // the AWS JSON APIs
	scrape        http.Handler // Metrics' handler
	handler       http.Handler
	console       *console.Console // nil when Config.Console is off
	log           *slog.Logger
	// dbFile is the SQLite database file, whose writability GET /readyz checks; empty for ":memory:".
	dbFile string
}

// healthTimeout bounds the store read behind GET /healthz.
const healthTimeout = time.Second

// Open opens the store, recovers the engine's state from it and registers the APIs.
func Open(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Clock == nil {
		cfg.Clock = openswf.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	reg := metrics.NewRegistry()
	set := metrics.NewSet(reg)
	metrics.RegisterRuntime(reg)
	metrics.RegisterBuildInfo(reg, cfg.Version, cfg.Commit)
	start := time.Now()
	store, err := openStore(ctx, cfg, set)
	if err != nil {
		return nil, err
	}
	storeTook := time.Since(start)
	metrics.RegisterOpenTasks(reg, store, metrics.OpenTasksOptions{Logger: cfg.Logger})
	if cfg.Auth != nil && cfg.Auth.Account != "" {
		cfg.Account = cfg.Auth.Account
	}
	if cfg.Account == "" {
		cfg.Account = "000000000000"
	}
	var access *accessControl
	var authorizer openswf.Authorizer
	if cfg.Auth != nil {
		access = newAccessControl(cfg.Auth, cfg.Account, cfg.Clock, cfg.Logger, reg)
		authorizer = access
		cfg.Logger.Info("access control on", "users", len(cfg.Auth.Users), "account", cfg.Account)
	} else {
		cfg.Logger.Warn("access control is off: any credentials are accepted and every caller may do everything (--auth FILE turns it on)")
	}
	states := sfn.New(sfn.Options{Region: cfg.Region, Account: cfg.Account, Authorizer: authorizer})
	eopts := engine.Options{PollHold: cfg.PollHold, Logger: cfg.Logger, Observer: set,
		Deciders: map[string]engine.Decider{sfn.DeciderName: states.Decider()}}
	var eng *engine.Engine
	pg, shared := store.(*postgres.Store)
	var leases *postgres.Leases
	loads := &timerLoads{wg: &sync.WaitGroup{}}
	loads.ctx, loads.stop = context.WithCancel(context.Background())
	if shared {
		leases = pg.NewLeases(postgres.LeaseOptions{Lease: cfg.Lease, Logger: cfg.Logger, Gained: func(parts []int) {
			// Not in the lease loop: a large partition's timers take a while to read, and renewals
			// must not wait for them.
			loads.start(pg, eng, parts, cfg.Logger)
		}})
		eopts.Cluster = leases
		registerStoreMetrics(reg, pg, leases)
	}
	eng = engine.New(store, cfg.Clock, eopts)
	if err := states.Open(ctx, eng); err != nil {
		store.Close()
		return nil, fmt.Errorf("open step functions: %w", err)
	}
	start = time.Now()
	if err := eng.Open(ctx); err != nil {
		store.Close()
		return nil, fmt.Errorf("open engine: %w", err)
	}
	logRecovery(ctx, cfg.Logger, store, eng.Recovered(), storeTook, time.Since(start))
	jopts := awsjson.Options{MaxBodyBytes: cfg.MaxBodyBytes, Logger: cfg.Logger, Observe: set.ObserveRequest}
	if access != nil {
		jopts.Authenticate = &awsjson.Authenticator{Keys: access, Now: cfg.Clock.Now, Region: cfg.Region}
	}
	if cfg.RateLimit > 0 {
		jopts.RateLimit = awsjson.NewRateLimiter(cfg.RateLimit, cfg.Clock.Now)
	}
	srv := awsjson.NewServer(jopts)
	if err := swf.New(eng, swf.Options{Region: cfg.Region, Account: cfg.Account, Authorizer: authorizer}).Register(srv); err != nil {
		eng.Close()
		store.Close()
		return nil, fmt.Errorf("register swf: %w", err)
	}
	if err := states.Register(srv); err != nil {
		eng.Close()
		store.Close()
		return nil, fmt.Errorf("register step functions: %w", err)
	}
	own := openswfapi.New(eng, states, openswfapi.Options{Region: cfg.Region, Account: cfg.Account, Authorizer: authorizer,
		Clock: cfg.Clock})
	if err := own.Register(srv); err != nil {
		eng.Close()
		store.Close()
		return nil, fmt.Errorf("register openswf's own operations: %w", err)
	}
	states.Start()
	n := &Node{Store: store, Engine: eng, Metrics: reg, api: srv, scrape: reg.Handler(), log: cfg.Logger, states: states,
		access: access, leases: leases, loads: loads}
	if shared {
		lctx, stop := context.WithCancel(context.Background())
		n.stopListening = stop
		if err := pg.Listen(lctx, notices{pg: pg, eng: eng, leases: leases, loads: loads, log: cfg.Logger}, cfg.Logger); err != nil {
			stop()
			states.Close()
			eng.Close()
			store.Close()
			return nil, err
		}
		leases.Start()
		cfg.Logger.Info("sharing the database with other nodes", "node", pg.NodeID())
	}
	if cfg.DB != ":memory:" && !IsPostgres(cfg.DB) {
		n.dbFile = cfg.DB
	}
	if cfg.Console {
		n.console = console.New(console.Config{Region: cfg.Region, Auth: cfg.Auth != nil, Version: cfg.Version,
			Scrape: reg.WriteText, Interval: cfg.ConsoleInterval, Logger: cfg.Logger})
	}
	n.handler = http.HandlerFunc(n.route)
	if cfg.AccessLog != nil {
		n.handler = accessLog(cfg.AccessLog, n.handler)
	}
	return n, nil
}

// IsPostgres reports whether db, a Config.DB, names a PostgreSQL database.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// RedactDB is db as logs may show it: a PostgreSQL URL without its password.
func RedactDB(db string) string {
	if !IsPostgres(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}

func openStore(ctx context.Context, cfg Config, obs *metrics.Set) (openswf.Store, error) {
	db := cfg.DB
	// A nil *metrics.Set must reach the stores as a nil interface, which they replace with their own.
	var pgObs postgres.Observer
	var liteObs sqlite.Observer
	if obs != nil {
		pgObs, liteObs = obs, obs
	}
	switch {
	case db == "":
		return nil, fmt.Errorf("no database given")
	case IsPostgres(db):
		s, err := postgres.Open(ctx, db, postgres.Options{PoolSize: cfg.DBPool, Observer: pgObs, NodeID: cfg.NodeID})
		if err != nil {
			// The error names the host and database, never the URL: it may hold a password.
			return nil, err
		}
		return s, nil
	}
	if db != ":memory:" {
		if err := checkDBFile(db); err != nil {
			return nil, err
		}
	}
	// sqlite.Open's errors name the path.
	s, err := sqlite.Open(ctx, db, sqlite.Options{Observer: liteObs})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Handler serves the APIs (POST /), a page for browsers (GET /; the console at /ui/ when it is on), the metrics (GET /metrics, Prometheus text
// format), liveness (GET /healthz) and readiness (GET /readyz).
func (n *Node) Handler() http.Handler { return n.handler }

// indexPage is what GET / answers: what this server is and where its docs are, for a browser that was
// pointed at the endpoint. Self-contained (no scripts, styles or images from elsewhere), so that it shows
// on a machine without Internet access and under its strict Content-Security-Policy.
//
//go:embed index.html
var indexPage string

// route serves the GET endpoints and the APIs. A plain switch rather than an http.ServeMux, so that the APIs
// see every request to / as the client sent it (ServeMux would redirect unclean paths).
//
//   - /: GET and HEAD answer the index page, or with the console on, redirect a browser (Accept: text/html)
//     to /ui/; every other method goes to the APIs, which serve POST and answer any other method with
//     their own AWS JSON fault (405 MethodNotAllowedException).
//   - /ui and /ui/…: the console when it is on (its own 404s and 405s), 404 otherwise.
//   - /metrics, /healthz, /readyz: GET and HEAD only, 405 in plain text otherwise.
//   - any other path: 404 in plain text, whatever the method. The AWS clients always send their requests
//     to the endpoint's path, /; a request elsewhere was meant for something else.
func (n *Node) route(w http.ResponseWriter, r *http.Request) {
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	if n.console != nil && (r.URL.Path == "/ui" || strings.HasPrefix(r.URL.Path, console.Prefix)) {
		n.console.ServeHTTP(w, r)
		return
	}
	var serve func(http.ResponseWriter, *http.Request)
	switch r.URL.Path {
	case "/":
		if !get {
			n.api.ServeHTTP(w, r)
			return
		}
		serve = n.index
		if n.console != nil && console.WantsHTML(r) {
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, console.Prefix, http.StatusFound)
			return
		}
	case "/metrics":
		serve = n.scrape.ServeHTTP
	case "/healthz":
		serve = n.healthz
	case "/readyz":
		serve = n.readyz
	default:
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "404 not found: openswf serves its APIs on POST /, and GET /, /metrics, /healthz and /readyz",
			http.StatusNotFound)
		return
	}
	if !get {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed: "+r.URL.Path+" answers GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	serve(w, r)
}

// index answers the index page.
func (n *Node) index(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, indexPage)
	}
}

// healthReporter is a store that knows of faults a read does not show: the SQLite store's heartbeat
// journal, which fails on a storage fault and recovers by itself (sqlite.Store.Health).
type healthReporter interface {
	// Health reports nil, or the fault that keeps the store from taking writes as it should.
	Health() error
}

// checkStore reports nil when the store reports no fault and answers a read within healthTimeout;
// otherwise the error and a short reason for the prober. The read is one indexed row from the read pool:
// it proves the database is open and answering, and costs nothing. Nothing is written: a write would
// itself fail on a full disk, and add load to a store in trouble.
func (n *Node) checkStore(ctx context.Context) (reason string, err error) {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	reason = "unavailable"
	if hr, ok := n.Store.(healthReporter); ok {
		if err = hr.Health(); err != nil {
			if openswf.KindOf(err) == openswf.KindUnavailable {
				reason = "unavailable: storage fault"
			}
			return reason, err
		}
	}
	if _, err = n.Store.ListDomains(ctx, openswf.StatusRegistered, "", 1, false); err != nil {
		return reason, err
	}
	return "", nil
}

// healthz answers 200 "ok" when checkStore passes, 503 with a short reason otherwise, so that a load
// balancer or an orchestrator takes the node out of service while, say, its disk is full, and back once
// the store has recovered.
func (n *Node) healthz(w http.ResponseWriter, r *http.Request) {
	reason, err := n.checkStore(r.Context())
	if err != nil {
		n.probeFailed(w, r, "health check failed", reason, err)
		return
	}
	if n.leases != nil {
		parts, live := n.leases.Held()
		list := make([]string, len(parts))
		for i, p := range parts {
			list[i] = strconv.Itoa(p)
		}
		probeAnswer(w, http.StatusOK, fmt.Sprintf("ok\ntimer leases: %d of %d partitions; nodes: %d\ntimer partitions: %s\n",
			len(parts), openswf.TimerPartitions, live, strings.Join(list, ",")))
		return
	}
	probeAnswer(w, http.StatusOK, "ok")
}

// readyz answers 200 "ready" when the node can take work: checkStore passes, the database file is
// writable, and start-up recovery is done; 503 with a short reason otherwise.
//
// Recovery is always done when this runs: Open returns the node, and so this handler, only after the
// store has replayed the heartbeat journal and the engine has loaded the open runs, tasks and timers, and
// cmd/openswf serves nothing on its port before Open has returned. So there is no "recovering" state to
// report today; were recovery ever to run behind a listening server, this is where it would say so.
//
// Writability is checked by opening the database file for writing, without writing: it catches a file
// made read-only, a file system remounted read-only, and a file removed or replaced under the server
// (whose writes would then go to a file no restart finds), none of which a read or the store's Health
// shows. A full disk shows in Health once a write has failed on it.
func (n *Node) readyz(w http.ResponseWriter, r *http.Request) {
	reason, err := n.checkStore(r.Context())
	if err == nil && n.dbFile != "" {
		var f *os.File
		if f, err = os.OpenFile(n.dbFile, os.O_WRONLY, 0); err == nil {
			err = f.Close()
		}
		if err != nil {
			reason, err = "unavailable: database file not writable", fmt.Errorf("open %s for writing: %w", n.dbFile, err)
		}
	}
	if err != nil {
		n.probeFailed(w, r, "readiness check failed", reason, err)
		return
	}
	probeAnswer(w, http.StatusOK, "ready")
}

// probeFailed logs a failed health or readiness check, unless the prober gave up, and answers 503 with
// reason. The details stay in the log: the probes answer anyone.
func (n *Node) probeFailed(w http.ResponseWriter, r *http.Request, msg, reason string, err error) {
	if r.Context().Err() == nil {
		n.log.WarnContext(r.Context(), msg, "error", err)
	}
	probeAnswer(w, http.StatusServiceUnavailable, reason)
}

// probeAnswer writes a probe's plain-text answer, which no cache may keep.
func probeAnswer(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

// ReloadAuth replaces the access control configuration (SIGHUP). It fails, keeping the one in force, when
// the server runs without access control or the new one names another account.
func (n *Node) ReloadAuth(cfg *iam.Config) error {
	if n.access == nil {
		return errors.New("access control is off: start the server with --auth to turn it on")
	}
	return n.access.reload(cfg)
}

// Close stops the engine and closes the store; acknowledged writes are already durable. A PostgreSQL
// node releases its timer leases first, so that the other nodes take them over at once.
func (n *Node) Close() error {
	if n.console != nil {
		n.console.Close()
	}
	n.states.Close()
	n.Engine.Close()
	if n.leases != nil {
		n.leases.Close()
		n.stopListening()
	}
	n.loads.wait()
	return n.Store.Close()
}
