package node

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/iam"
	"github.com/openswf/openswf/metrics"
)

// accessControl is the node's access control (`serve --auth FILE`): it knows the configured access keys for
// the signature check (awsjson.Keys), and decides every action of both APIs against the caller's policies
// (openswf.Authorizer). Reload swaps the configuration whole; requests under way keep the one they began
// with.
type accessControl struct {
	cfg     atomic.Pointer[iam.Config]
	account string
	clock   openswf.Clock
	log     *slog.Logger
	denied  *metrics.CounterVec
}

func newAccessControl(cfg *iam.Config, account string, clock openswf.Clock, log *slog.Logger, reg *metrics.Registry) *accessControl {
	a := &accessControl{account: account, clock: clock, log: log,
		denied: reg.NewCounterVec("openswf_access_denied_total", "Requests and decisions access control refused, by action.", "action")}
	a.cfg.Store(cfg)
	return a
}

// Lookup implements awsjson.Keys.
func (a *accessControl) Lookup(id string) (secret, user string, ok bool) {
	k, ok := a.cfg.Load().Key(id)
	if !ok {
		return "", "", false
	}
	return k.Secret, k.User.Name, true
}

// Authorize implements openswf.Authorizer: IAM's evaluation of the caller's policies, with the request's
// condition keys and the global ones that make sense here (aws:username, aws:CurrentTime,
// aws:EpochTime, aws:SecureTransport, aws:SourceIp). Every denial is logged with the statement that
// decided it and counted by action.
func (a *accessControl) Authorize(ctx context.Context, req openswf.AccessRequest) error {
	cfg := a.cfg.Load()
	p := awsjson.PrincipalFrom(ctx)
	var user *iam.User
	if p != nil {
		if k, ok := cfg.Key(p.AccessKeyID); ok {
			user = k.User
		}
	}
	var d iam.Decision
	name := "anonymous"
	if user != nil {
		name = user.Name
		var keys map[string][]string
		if readsContext(user) {
			keys = a.contextKeys(ctx, req, user)
		}
		d = iam.Evaluate(user.Policies, iam.Request{Action: req.Action, Resource: req.Resource, Context: keys})
	}
	if d.Allowed {
		return nil
	}
	a.denied.With(req.Action).Inc()
	a.log.Warn("access denied", "request_id", awsjson.RequestID(ctx), "user", name, "action", req.Action,
		"resource", req.Resource, "explicit_deny", d.Denied, "policy", d.Policy, "statement", d.Statement, "sid", d.Sid)
	why := "because no identity-based policy allows the " + req.Action + " action"
	if d.Denied {
		why = "with an explicit deny in an identity-based policy"
	}
	return openswf.Errorf(openswf.KindOperationNotPermitted, "User: arn:aws:iam::%s:user/%s is not authorized to perform: %s on resource: %s %s",
		a.account, name, req.Action, req.Resource, why)
}

// reload replaces the configuration; the account in every ARN stays what the server started with.
func (a *accessControl) reload(cfg *iam.Config) error {
	if cfg.Account != "" && cfg.Account != a.account {
		return fmt.Errorf("the new configuration's account %s is not the server's %s: restart to change it", cfg.Account, a.account)
	}
	a.cfg.Store(cfg)
	return nil
}

// readsContext reports whether any of a user's policies reads the request's context; building it (the time
// formatted, maps filled) costs a heartbeat more than deciding a policy without conditions.
func readsContext(u *iam.User) bool {
	for _, p := range u.Policies {
		if p.ReadsContext() {
			return true
		}
	}
	return false
}

// contextKeys are the request's condition keys and the global ones.
func (a *accessControl) contextKeys(ctx context.Context, req openswf.AccessRequest, u *iam.User) map[string][]string {
	keys := make(map[string][]string, len(req.Context)+5)
	for k, v := range req.Context {
		keys[k] = v
	}
	now := a.clock.Now().UTC()
	keys["aws:CurrentTime"] = []string{now.Format(time.RFC3339)}
	keys["aws:EpochTime"] = []string{strconv.FormatInt(now.Unix(), 10)}
	keys["aws:username"] = []string{u.Name}
	if t, ok := awsjson.TransportFrom(ctx); ok {
		keys["aws:SecureTransport"] = []string{strconv.FormatBool(t.Secure)}
		if t.SourceIP != "" {
			keys["aws:SourceIp"] = []string{t.SourceIP}
		}
	}
	return keys
}
