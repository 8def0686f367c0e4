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
  serve   run the service: the SWF and Step Functions APIs at POST /, the web console at GET /ui/,
          Prometheus metrics at GET /metrics, liveness at GET /healthz and readiness at GET /readyz, all on
          --addr; the database is an SQLite file (--db). Every flag has an
          environment variable (--poll-hold: OPENSWF_POLL_HOLD); openswf serve --help lists them
  rotate-token-key
          add a task-token key to a stopped server's database (flags: --db, --retire AGE, --retire-only):
          the new key signs the tokens issued from the next start on, the old ones still open theirs; with
          --retire, keys replaced at least AGE ago (e.g. 30d) are removed and their tokens stop opening
  version print the version, the commit and the build date
  healthcheck
          exit 0 if the server at --addr (OPENSWF_ADDR) answers GET /readyz with 200, 1 otherwise: the
          health check of a container image without a shell

inspection commands, the client of any openswf endpoint (--endpoint URL, env OPENSWF_ENDPOINT, default
http://127.0.0.1:7740; --output table|json; signed with the AWS credential chain's static keys, --profile,
or anonymous ones, which a server without --auth accepts):
  domains [--registration-status S]
          the SWF domains: name, status, retention, description
  executions list --domain D [--closed] [--status S] [--type NAME[:VERSION]] [--workflow-id ID] [--tag T]
                  [--since WHEN] [--until WHEN] [--max N]
          a domain's runs, open or closed
  executions describe --domain D <workflowId> [runId]
          one run (without a run id: the open one, else the latest closed)
  history --domain D <workflowId> [runId]
          a run's history, one event a line
  activities (--domain D [--task-list TL] [--execution WFID[/RUNID]] | --activity-arn ARN | --execution-arn ARN)
          the open activity tasks, live: worker, last heartbeat's age and details, nearest deadline
  sfn state-machines | sfn activities | sfn executions list [--state-machine ARN|NAME] [--status S] |
  sfn executions describe <executionArn> | sfn executions history <executionArn>
          Step Functions' state machines, activities, executions and histories
  completion bash|zsh
          a shell completion script: source <(openswf completion bash)

Every command takes --help. The inspection commands exit 0 on success, 1 on a fault the server answered
or a client failure, 2 on bad flags or arguments, 3 when what was asked for does not exist, 4 when access
is denied or the credentials are refused, 5 when the endpoint does not answer; the others exit 0 or 1.
`

// Run runs the command named by args until ctx ends; logs go to logw. Main, which main calls, adds the
// inspection commands' exit statuses.
func Run(ctx context.Context, args []string, logw io.Writer) (err error) {
	if len(args) == 0 {
		return errors.New(strings.TrimSpace(usage))
	}
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], logw)
	case "rotate-token-key":
		err = rotateTokenKey(ctx, args[1:], logw)
	case "version":
		err = printVersion(args[1:], logw)
	case "healthcheck":
		err = healthcheck(ctx, args[1:], logw)
	case "help", "-h", "--help":
		fmt.Fprint(logw, usage)
		return nil
	default:
		if isInspection(args[0]) {
			// Main runs these with their own output stream and exit status; here both go to logw and
			// the status is the error.
			in := &inspector{out: logw, errw: logw, getenv: os.Getenv, now: time.Now}
			err = in.run(ctx, args)
			break
		}
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
	if errors.Is(err, flag.ErrHelp) {
		// The command printed its usage, as asked.
		return nil
	}
	return err
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
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
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: openswf serve [flags]\n\nRuns the service. Every flag --some-name may instead be set with the environment variable\nOPENSWF_SOME_NAME; the flag wins over the variable.\n\n")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:7740", "address to listen on")
	db := fs.String("db", "openswf.db", "SQLite database file, :memory: for a throwaway store, or a postgres:// URL (several nodes may share one PostgreSQL database)")
	dbPool := fs.Int("db-pool", 0, "PostgreSQL only: most connections to the database (default 16)")
	lease := fs.Duration("lease", 10*time.Second, "PostgreSQL only: how long a node's timer leases last unless renewed; when a node dies, the others fire its timers within this time")
	nodeID := fs.String("node-id", "", "PostgreSQL only: this node's name among those sharing the database (default: random at each start)")
	region := fs.String("region", "us-east-1", "region in every ARN")
	account := fs.String("account", "000000000000", "account id in every ARN")
	pollHold := fs.Duration("poll-hold", 55*time.Second, "how long long polls wait for a task; keep it under 60s, the AWS SDKs' and CLI's read timeout")
	maxBody := fs.Int64("max-body", 1<<20, "largest request body in bytes")
	maxConns := fs.Int("max-conns", node.DefaultMaxConns(), "most connections served at once, more are answered 503 (by default derived from the open-file limit)")
	idleTimeout := fs.Duration("idle-timeout", node.DefaultIdleTimeout, "close kept-alive connections idle this long")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the server to this file until it stops")
	allocProfile := fs.String("allocprofile", "", "write the server's allocation profile to this file when it stops")
	rateLimit := fs.String("rate-limit", "", "bound each access key to N requests per second, as N/s; more answer ThrottlingException, which the SDKs retry")
	authFile := fs.String("auth", "", "access control: JSON file of users, access keys and IAM policies; every request must then be signed with a configured key; re-read on SIGHUP")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this PEM certificate chain, with --tls-key; re-read on SIGHUP")
	tlsKey := fs.String("tls-key", "", "the PEM private key of --tls-cert")
	logLevel := fs.String("log-level", "info", "least level logged: debug (adds each fault answered and each timer fired), info, warn or error")
	logFormat := fs.String("log-format", "text", "log lines as text (key=value) or json")
	consoleOn := fs.Bool("console", true, "serve the web console at /ui/ (and send browsers there from GET /); --console=false turns it off")
	accessLogOn := fs.Bool("access-log", false, "log one line per request (operation, status, fault, latency, request id), whatever --log-level says")
	documentEnv(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := applyEnv(fs); err != nil {
		return err
	}
	switch {
	case *dbPool < 0:
		return fmt.Errorf("--db-pool (OPENSWF_DB_POOL) %d: must not be negative", *dbPool)
	case *dbPool > 0 && !node.IsPostgres(*db):
		return errors.New("--db-pool (OPENSWF_DB_POOL) applies to PostgreSQL only: --db is not a postgres:// URL")
	case *lease < time.Second:
		return fmt.Errorf("--lease (OPENSWF_LEASE) %v: must be at least 1s", *lease)
	case strings.ContainsAny(*nodeID, "\t\n"):
		return errors.New("--node-id (OPENSWF_NODE_ID): must not hold tabs or newlines")
	case *pollHold <= 0:
		return fmt.Errorf("--poll-hold (OPENSWF_POLL_HOLD) %v: must be positive", *pollHold)
	case *idleTimeout < 0:
		return fmt.Errorf("--idle-timeout (OPENSWF_IDLE_TIMEOUT) %v: must not be negative", *idleTimeout)
	case *maxConns < 0:
		return fmt.Errorf("--max-conns (OPENSWF_MAX_CONNS) %d: must not be negative", *maxConns)
	case *maxBody <= 0:
		return fmt.Errorf("--max-body (OPENSWF_MAX_BODY) %d: must be positive", *maxBody)
	}
	log, err := newLogger(logw, *logLevel, *logFormat)
	if err != nil {
		return err
	}
	var accessLog *slog.Logger
	if *accessLogOn {
		accessLog, _ = newHandlerLogger(logw, slog.LevelInfo, *logFormat)
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
	if *pollHold >= clientReadTimeout {
		log.Warn("--poll-hold is not under 60s: the AWS SDKs and CLI stop reading after 60s (botocore's read_timeout), "+
			"so a poll that finds no task fails in the client instead of answering empty", "poll_hold", pollHold.String())
	}
	build := readBuildInfo()
	// The port is bound before the database is opened: a server that cannot listen creates no file.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	n, err := node.Open(ctx, node.Config{Version: build.Version, Commit: build.Commit, DB: *db, DBPool: *dbPool, Lease: *lease, NodeID: *nodeID, PollHold: *pollHold, MaxBodyBytes: *maxBody, Region: *region,
		Account: *account, Auth: auth, RateLimit: limit, Logger: log, AccessLog: accessLog, Console: *consoleOn})
	if err != nil {
		ln.Close()
		return err
	}
	defer func() {
		if err := n.Close(); err != nil {
			log.Error("close the store", "error", err)
		}
		log.Info("openswf stopped")
	}()
	hs := n.NewHTTPServer(node.HTTPConfig{MaxConns: *maxConns, IdleTimeout: *idleTimeout, Logger: log, TLS: cert})
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// SIGHUP is caught from before the listening line on, so that whoever waits for that line may send it.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	log.Info("openswf listening", "addr", ln.Addr().String(), "scheme", hs.Scheme(), "db", node.RedactDB(*db), "max_conns", hs.MaxConns(),
		"version", build.Version, "commit", build.Commit, "poll_hold", pollHold.String(), "auth", *authFile != "",
		"rate_limit", *rateLimit, "console", *consoleOn, "log_level", *logLevel, "log_format", *logFormat, "access_log", *accessLogOn)
	if *consoleOn {
		log.Info("web console: open it in a browser", "url", consoleURL(hs.Scheme(), ln.Addr()))
	}
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

// consoleURL is where a browser on this machine finds the console of a server listening on addr: an
// unspecified address (0.0.0.0, ::) is reached through 127.0.0.1.
func consoleURL(scheme string, addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return scheme + "://" + addr.String() + "/ui/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/ui/"
}
