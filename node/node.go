// Package node assembles one openswf server: a store chosen by its URL, the engine over it, and the APIs on
// one HTTP handler. cmd/openswf runs a node; openswftest runs one in-process for tests.
package node

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
	"github.com/openswf/openswf/sqlite"
	"github.com/openswf/openswf/swf"
)

// Config configures a node.
type Config struct {
	// DB is an SQLite file path, ":memory:" for a throwaway store, or a postgres:// URL.
	DB string
	// PollHold is how long long polls wait; engine default when zero.
	PollHold time.Duration
	// MaxBodyBytes caps request bodies; awsjson default when zero.
	MaxBodyBytes int64
	// Clock defaults to the wall clock.
	Clock  openswf.Clock
	Logger *slog.Logger
}

// Node is a running openswf server without its listener.
type Node struct {
	Store   openswf.Store
	Engine  *engine.Engine
	handler http.Handler
}

// Open opens the store, recovers the engine's state from it and registers the APIs.
func Open(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Clock == nil {
		cfg.Clock = openswf.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	store, err := openStore(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	eng := engine.New(store, cfg.Clock, engine.Options{PollHold: cfg.PollHold, Logger: cfg.Logger})
	if err := eng.Open(ctx); err != nil {
		store.Close()
		return nil, fmt.Errorf("open engine: %w", err)
	}
	srv := awsjson.NewServer(awsjson.Options{MaxBodyBytes: cfg.MaxBodyBytes, Logger: cfg.Logger})
	if err := swf.New(eng, swf.Options{}).Register(srv); err != nil {
		eng.Close()
		store.Close()
		return nil, fmt.Errorf("register swf: %w", err)
	}
	return &Node{Store: store, Engine: eng, handler: srv}, nil
}

func openStore(ctx context.Context, db string) (openswf.Store, error) {
	switch {
	case db == "":
		return nil, fmt.Errorf("no database given")
	case strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://"):
		return nil, fmt.Errorf("PostgreSQL is not supported yet: use an SQLite file")
	}
	s, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", db, err)
	}
	return s, nil
}

// Handler serves the APIs.
func (n *Node) Handler() http.Handler { return n.handler }

// Close stops the engine and closes the store; acknowledged writes are already durable.
func (n *Node) Close() error {
	n.Engine.Close()
	return n.Store.Close()
}
