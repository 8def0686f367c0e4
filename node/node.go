// Package node assembles one openswf server: a store chosen by its URL, the engine over it, the APIs,
// metrics and health check on one HTTP handler, and the HTTP server in front of it with its connection cap
// and timeouts. cmd/openswf runs a node; openswftest runs one in-process for tests.
package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
	"github.com/openswf/openswf/iam"
	"github.com/openswf/openswf/metrics"
	"github.com/openswf/openswf/sfn"
	"github.com/openswf/openswf/sqlite"
	"github.com/openswf/openswf/swf"
)

// Config configures a node.
type Config struct {
	// DB is an SQLite file path, or ":memory:" for a throwaway store. (A postgres:// URL is refused:
	// PostgreSQL is not implemented yet.)
	DB string
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
}

// Node is a running openswf server without its listener.
type Node struct {
	Store  openswf.Store
	Engine *engine.Engine
	// Metrics holds the node's metrics, served at GET /metrics; a program may register its own on it.
	Metrics *metrics.Registry

	states  *sfn.Service
	access  *accessControl // nil when access control is off
	api     http.Handler   // the AWS JSON APIs
	scrape  http.Handler   // Metrics' handler
	handler http.Handler
	log     *slog.Logger
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
	store, err := openStore(ctx, cfg.DB, set)
	if err != nil {
		return nil, err
	}
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
	eng := engine.New(store, cfg.Clock, engine.Options{PollHold: cfg.PollHold, Logger: cfg.Logger, Observer: set,
		Deciders: map[string]engine.Decider{sfn.DeciderName: states.Decider()}})
	if err := states.Open(ctx, eng); err != nil {
		store.Close()
		return nil, fmt.Errorf("open step functions: %w", err)
	}
	if err := eng.Open(ctx); err != nil {
		store.Close()
		return nil, fmt.Errorf("open engine: %w", err)
	}
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
	states.Start()
	n := &Node{Store: store, Engine: eng, Metrics: reg, api: srv, scrape: reg.Handler(), log: cfg.Logger, states: states,
		access: access}
	n.handler = http.HandlerFunc(n.route)
	return n, nil
}

func openStore(ctx context.Context, db string, obs sqlite.Observer) (openswf.Store, error) {
	switch {
	case db == "":
		return nil, fmt.Errorf("no database given")
	case strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://"):
		return nil, fmt.Errorf("PostgreSQL is not supported yet: use an SQLite file")
	}
	s, err := sqlite.Open(ctx, db, sqlite.Options{Observer: obs})
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", db, err)
	}
	return s, nil
}

// Handler serves the APIs (POST /), the metrics (GET /metrics, Prometheus text format) and the health
// check (GET /healthz).
func (n *Node) Handler() http.Handler { return n.handler }

// route sends the two GET endpoints to their handlers and everything else to the APIs, which answer a
// method or path they do not serve with an AWS JSON fault. A plain switch rather than an http.ServeMux, so
// that the APIs still see every other request as the client sent it (ServeMux would redirect unclean
// paths).
func (n *Node) route(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		switch r.URL.Path {
		case "/metrics":
			n.scrape.ServeHTTP(w, r)
			return
		case "/healthz":
			n.healthz(w, r)
			return
		}
	}
	n.api.ServeHTTP(w, r)
}

// healthReporter is a store that knows of faults a read does not show: the SQLite store's heartbeat
// journal, which fails on a storage fault and recovers by itself (sqlite.Store.Health).
type healthReporter interface {
	// Health reports nil, or the fault that keeps the store from taking writes as it should.
	Health() error
}

// healthz answers 200 "ok" when the store reports no fault and answers a read within healthTimeout, 503
// with a short reason otherwise, so that a load balancer or an orchestrator takes the node out of service
// while, say, its disk is full, and back once the store has recovered. The read is one indexed row from
// the read pool: it proves the database is open and answering, and costs nothing. Nothing is written: a
// write would itself fail on a full disk, and add load to a store in trouble.
func (n *Node) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	var err error
	reason := "unavailable"
	if hr, ok := n.Store.(healthReporter); ok {
		if err = hr.Health(); err != nil && openswf.KindOf(err) == openswf.KindUnavailable {
			reason = "unavailable: storage fault"
		}
	}
	if err == nil {
		_, err = n.Store.ListDomains(ctx, openswf.StatusRegistered, "", 1, false)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		if r.Context().Err() == nil { // not merely a prober that gave up
			n.log.WarnContext(ctx, "health check failed", "error", err)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, reason)
		return
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "ok")
}

// ReloadAuth replaces the access control configuration (SIGHUP). It fails, keeping the one in force, when
// the server runs without access control or the new one names another account.
func (n *Node) ReloadAuth(cfg *iam.Config) error {
	if n.access == nil {
		return errors.New("access control is off: start the server with --auth to turn it on")
	}
	return n.access.reload(cfg)
}

// Close stops the engine and closes the store; acknowledged writes are already durable.
func (n *Node) Close() error {
	n.states.Close()
	n.Engine.Close()
	return n.Store.Close()
}
