package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/openswf/openswf/iam"
	"github.com/openswf/openswf/node"
)

const usage = `usage: openswf <command> [flags]

commands:
  serve   run the service (flags: --addr, --db, --region, --account, --poll-hold, --max-body, --max-conns,
          --idle-timeout, --cpuprofile, --allocprofile; env OPENSWF_ADDR, OPENSWF_DB, OPENSWF_REGION,
          OPENSWF_ACCOUNT, OPENSWF_MAX_CONNS), for HTTPS --tls-cert and --tls-key (env OPENSWF_TLS_CERT,
          OPENSWF_TLS_KEY), for access control --auth FILE (env OPENSWF_AUTH; SIGHUP re-reads it) and
          --rate-limit N/s per access key (env OPENSWF_RATE_LIMIT):
          the SWF and Step Functions APIs at POST /, Prometheus metrics at GET /metrics, health at
          GET /healthz, all on --addr
  rotate-token-key
          add a task-token key to a stopped server's database (flags: --db, --retire AGE, --retire-only):
          the new key signs the tokens issued from the next start on, the old ones still open theirs; with
          --retire, keys replaced at least AGE ago (e.g. 30d) are removed and their tokens stop opening
`

// Run runs the command named by args until ctx ends; logs go to logw.
func Run(ctx context.Context, args []string, logw io.Writer) error {
	if len(args) == 0 {
		return errors.New(strings.TrimSpace(usage))
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], logw)
	case "rotate-token-key":
		return rotateTokenKey(ctx, args[1:], logw)
	case "help", "-h", "--help":
		fmt.Fprint(logw, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// envCount is the count in the environment variable name, def when it is unset.
func envCount(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 31)
	if err != nil {
		return 0, fmt.Errorf("parse %s: %w", name, err)
	}
	return int(n), nil
}

// reload re-reads what SIGHUP re-reads: the TLS certificate and the access control file. A bad file keeps
// what is in force.
func reload(log *slog.Logger, cert *node.TLSCertificate, n *node.Node, authFile string) {
	if cert == nil && authFile == "" {
		log.Info("SIGHUP: nothing to reload")
		return
	}
	if cert != nil {
		if err := cert.Reload(); err != nil {
			log.Error("SIGHUP: TLS certificate not reloaded, the previous one is still served", "error", err)
		} else {
			log.Info("SIGHUP: TLS certificate reloaded")
		}
	}
	if authFile != "" {
		cfg, err := readAuth(authFile)
		if err == nil {
			err = n.ReloadAuth(cfg)
		}
		if err != nil {
			log.Error("SIGHUP: access control not reloaded, the previous configuration stays in force", "error", err)
		} else {
			log.Info("SIGHUP: access control reloaded", "file", authFile, "users", len(cfg.Users))
		}
	}
}

// readAuth reads and checks an access control file (--auth).
func readAuth(file string) (*iam.Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--auth: %w", err)
	}
	cfg, err := iam.ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("--auth %s: %w", file, err)
	}
	return cfg, nil
}

func serve(ctx context.Context, args []string, logw io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(logw)
	defMaxConns, err := envCount("OPENSWF_MAX_CONNS", node.DefaultMaxConns())
	if err != nil {
		return err
	}
	addr := fs.String("addr", envOr("OPENSWF_ADDR", "127.0.0.1:7740"), "address to listen on (env OPENSWF_ADDR)")
	db := fs.String("db", envOr("OPENSWF_DB", "openswf.db"), "SQLite file, :memory:, or postgres:// URL (env OPENSWF_DB)")
	region := fs.String("region", envOr("OPENSWF_REGION", "us-east-1"), "region in every ARN (env OPENSWF_REGION)")
	account := fs.String("account", envOr("OPENSWF_ACCOUNT", "000000000000"), "account id in every ARN (env OPENSWF_ACCOUNT)")
	pollHold := fs.Duration("poll-hold", 55*time.Second, "how long long polls wait for a task")
	maxBody := fs.Int64("max-body", 1<<20, "largest request body in bytes")
	maxConns := fs.Int("max-conns", defMaxConns, "most connections served at once, more are answered 503 (env OPENSWF_MAX_CONNS; by default derived from the open-file limit)")
	idleTimeout := fs.Duration("idle-timeout", node.DefaultIdleTimeout, "close kept-alive connections idle this long")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the server to this file until it stops")
	allocProfile := fs.String("allocprofile", "", "write the server's allocation profile to this file when it stops")
	rateLimit := fs.String("rate-limit", os.Getenv("OPENSWF_RATE_LIMIT"), "bound each access key to N requests per second, as N/s; more answer ThrottlingException, which the SDKs retry (env OPENSWF_RATE_LIMIT)")
	authFile := fs.String("auth", os.Getenv("OPENSWF_AUTH"), "access control: JSON file of users, access keys and IAM policies; every request must then be signed with a configured key; re-read on SIGHUP (env OPENSWF_AUTH)")
	tlsCert := fs.String("tls-cert", os.Getenv("OPENSWF_TLS_CERT"), "serve HTTPS with this PEM certificate chain, with --tls-key; re-read on SIGHUP (env OPENSWF_TLS_CERT)")
	tlsKey := fs.String("tls-key", os.Getenv("OPENSWF_TLS_KEY"), "the PEM private key of --tls-cert (env OPENSWF_TLS_KEY)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *maxConns < 0 || *idleTimeout < 0 {
		return errors.New("--max-conns and --idle-timeout must not be negative")
	}
	var cert *node.TLSCertificate
	switch {
	case *tlsCert != "" && *tlsKey != "":
		if cert, err = node.LoadTLSCertificate(*tlsCert, *tlsKey); err != nil {
			return err
		}
	case *tlsCert != "" || *tlsKey != "":
		return errors.New("--tls-cert and --tls-key (OPENSWF_TLS_CERT, OPENSWF_TLS_KEY) go together: give both for HTTPS, or neither")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *allocProfile != "" {
		defer func() {
			f, err := os.Create(*allocProfile)
			if err == nil {
				err = errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
			}
			if err != nil {
				fmt.Fprintf(logw, "openswf: write allocation profile: %v\n", err)
			}
		}()
	}
	limit, err := parseRate(*rateLimit)
	if err != nil {
		return err
	}
	var auth *iam.Config
	if *authFile != "" {
		if auth, err = readAuth(*authFile); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(logw, nil))
	n, err := node.Open(ctx, node.Config{DB: *db, PollHold: *pollHold, MaxBodyBytes: *maxBody, Region: *region,
		Account: *account, Auth: auth, RateLimit: limit, Logger: log})
	if err != nil {
		return err
	}
	defer n.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := n.NewHTTPServer(node.HTTPConfig{MaxConns: *maxConns, IdleTimeout: *idleTimeout, Logger: log, TLS: cert})
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// SIGHUP is caught from before the listening line on, so that whoever waits for that line may send it.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	log.Info("openswf listening", "addr", ln.Addr().String(), "scheme", hs.Scheme(), "db", *db, "max_conns", hs.MaxConns())
	for {
		select {
		case err := <-errc:
			return fmt.Errorf("serve: %w", err)
		case <-hup:
			reload(log, cert, n, *authFile)
			continue
		case <-ctx.Done():
		}
		break
	}
	log.Info("openswf shutting down")
	// Release long polls first so that Shutdown does not wait out their hold.
	n.Engine.Close()
	// In-flight requests get a moment to finish; connections that never sent a request are then closed
	// rather than waited for.
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	return nil
}

// parseRate reads a --rate-limit: "N/s" or "N" requests per second, "" for none.
func parseRate(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseFloat(strings.TrimSuffix(s, "/s"), 64)
	if err != nil || n <= 0 || math.IsInf(n, 0) {
		return 0, fmt.Errorf("--rate-limit %q: want a positive number of requests per second, as N/s", s)
	}
	return n, nil
}
