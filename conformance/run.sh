#!/usr/bin/env bash
# Conformance run: builds openswf, serves it on a temporary SQLite file on a free loopback port, and drives it with
# the real clients — Debian's boto3 (boto3_suite.py) and aws CLI (cli_suite.sh). Prints one line per case and
# closes with exactly `N passed, N failed` (both suites together); exits non-zero when any case failed or a suite
# did not finish. Needs the clients installed (conformance/install-clients.sh). Runs with CI=true and no input.
#
# Cases of features still being built belong to the groups listed in CONFORMANCE_PENDING: they run, and are
# reported as PENDING instead of failing. Remove a group from the default below when its feature lands.
# CONFORMANCE_ONLY=REGEX runs only the matching cases of both suites. CONFORMANCE_TLS=1 serves HTTPS with a
# self-signed certificate made with openssl, which both suites verify (CONFORMANCE_CA_BUNDLE: boto3's verify=,
# the CLI's --ca-bundle). CONFORMANCE_AUTH=1 serves with access control (--auth FILE): run.sh writes a file of an
# admin, whose key every case signs with, and of restricted users for the auth cases, which are skipped (SKIP
# lines) without it. CONFORMANCE_STORE=postgres serves from a fresh schema of the PostgreSQL database that
# OPENSWF_TEST_POSTGRES names (dropped afterwards) instead of an SQLite file. See conformance/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

export CONFORMANCE_PENDING="${CONFORMANCE_PENDING-}"
# The newer SWF model the DeleteActivityType/DeleteWorkflowType case loads into Debian's older botocore.
export CONFORMANCE_MODEL="$PWD/swf/model/swf-2012-01-25.json"
# And the newer Step Functions model, for ValidateStateMachineDefinition (botocore 1.29 predates it).
export CONFORMANCE_SFN_MODEL="$PWD/sfn/model/states-2016-11-23.json"
# openswf's own operations, a service botocore does not know.
export CONFORMANCE_OWN_MODEL="$PWD/openswfapi/model/openswf-2026-12-01.json"
SUITE_LIMIT=${CONFORMANCE_SUITE_LIMIT:-480} # seconds per suite; the CLI suite takes two to three minutes (a CLI start-up is ~1 s)

for need in /usr/bin/aws /usr/bin/python3; do
  [ -x "$need" ] || { echo "conformance: $need missing; run conformance/install-clients.sh" >&2; exit 1; }
done
PYTHONNOUSERSITE=1 /usr/bin/python3 -c 'import boto3' ||
  { echo "conformance: Debian's boto3 missing; run conformance/install-clients.sh" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
pg_schema=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ -n "$pg_schema" ]; then
    PGOPTIONS="--client-min-messages=warning" psql -q -d "$OPENSWF_TEST_POSTGRES" -c "DROP SCHEMA $pg_schema CASCADE" >/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== conformance: build"
go build -o "$tmp/openswf" ./cmd/openswf

tls_args=()
scheme=http
if [ "${CONFORMANCE_TLS:-}" = 1 ]; then
  echo "== conformance: make a self-signed certificate"
  # RSA for the oldest of the clients' TLS stacks; the address in subjectAltName, which verification needs.
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=openswf-conformance \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -addext "basicConstraints=critical,CA:TRUE" \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>"$tmp/openssl.log" ||
    { echo "conformance: openssl could not make a certificate:" >&2; cat "$tmp/openssl.log" >&2; exit 1; }
  tls_args=(--tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem")
  scheme=https
  export CONFORMANCE_CA_BUNDLE="$tmp/cert.pem"
else
  unset CONFORMANCE_CA_BUNDLE
fi

auth_args=()
if [ "${CONFORMANCE_AUTH:-}" = 1 ]; then
  echo "== conformance: write the access control file"
  # Secrets are fresh for each run. The account is left out: ARNs keep --account's default, which the cases
  # expect. The auth cases name their domains cf-[cli-]TAG-…, which the restricted users' Resource patterns match.
  PYTHONNOUSERSITE=1 /usr/bin/python3 - "$tmp/auth.json" <<'PY'
import json, secrets, sys
def user(name, key_id, *statements):
    return {"name": name, "accessKeys": [{"accessKeyId": key_id, "secretAccessKey": secrets.token_urlsafe(30)}],
            "policies": [{"Version": "2012-10-17", "Statement": list(statements)}]}
cfg = {"users": [
    # Every case signs with the admin's key.
    user("conformance-admin", "AKIACONFORMANCEADMIN",
         {"Effect": "Allow", "Action": ["swf:*", "states:*", "openswf:*"], "Resource": "*"}),
    # An activity worker of the authpay domains only.
    user("authpay-worker", "AKIACONFORMANCEWORKER",
         {"Effect": "Allow",
          "Action": ["swf:PollForActivityTask", "swf:RecordActivityTaskHeartbeat", "swf:RespondActivityTask*"],
          "Resource": "arn:aws:swf:*:*:/domain/*-authpay-*"}),
    # A decider that may do anything in the authtimer domains but start a timer.
    user("no-timer-decider", "AKIACONFORMANCEDECIDER",
         {"Effect": "Allow", "Action": "swf:*", "Resource": "arn:aws:swf:*:*:/domain/*-authtimer-*"},
         {"Sid": "NoTimers", "Effect": "Deny", "Action": "swf:StartTimer", "Resource": "*"}),
    # A Step Functions reader: Describe* and List*, so not CreateActivity.
    user("states-reader", "AKIACONFORMANCEREADER",
         {"Effect": "Allow", "Action": ["states:Describe*", "states:List*"], "Resource": "*"}),
]}
with open(sys.argv[1], "w") as f:
    json.dump(cfg, f, indent=2)
PY
  auth_args=(--auth "$tmp/auth.json")
  # The suites read the restricted users' keys from the file, and sign every other call with the admin's key.
  export CONFORMANCE_AUTH=1 CONFORMANCE_AUTH_FILE="$tmp/auth.json" CONFORMANCE_ACCESS_KEY_ID=AKIACONFORMANCEADMIN
  CONFORMANCE_SECRET_ACCESS_KEY=$(PYTHONNOUSERSITE=1 /usr/bin/python3 -c 'import json, sys
users = json.load(open(sys.argv[1]))["users"]
print(next(u for u in users if u["name"] == "conformance-admin")["accessKeys"][0]["secretAccessKey"])' "$tmp/auth.json")
  export CONFORMANCE_SECRET_ACCESS_KEY
else
  # Any credentials do (the suites' default, x/y); the auth cases are skipped.
  unset CONFORMANCE_AUTH CONFORMANCE_AUTH_FILE CONFORMANCE_ACCESS_KEY_ID CONFORMANCE_SECRET_ACCESS_KEY
fi

db="$tmp/openswf.db"
if [ "${CONFORMANCE_STORE:-sqlite}" = postgres ]; then
  : "${OPENSWF_TEST_POSTGRES:?CONFORMANCE_STORE=postgres needs OPENSWF_TEST_POSTGRES, the database to serve from}"
  schema="conformance_$$_$RANDOM"
  psql -q -v ON_ERROR_STOP=1 -d "$OPENSWF_TEST_POSTGRES" -c "CREATE SCHEMA $schema" >/dev/null
  pg_schema=$schema
  case "$OPENSWF_TEST_POSTGRES" in *\?*) db="$OPENSWF_TEST_POSTGRES&search_path=$schema" ;; *) db="$OPENSWF_TEST_POSTGRES?search_path=$schema" ;; esac
  echo "== conformance: the server stores in PostgreSQL, schema $schema"
fi

echo "== conformance: start openswf"
"$tmp/openswf" serve --addr 127.0.0.1:0 --db "$db" --poll-hold 3s "${tls_args[@]}" "${auth_args[@]}" \
  >"$tmp/server.log" 2>&1 &
pid=$!
addr=""
for _ in $(seq 1 100); do
  addr=$(sed -n 's/.*msg="openswf listening".* addr=\([^ ]*\).*/\1/p' "$tmp/server.log" | head -n 1)
  [ -n "$addr" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$addr" ]; then
  echo "conformance: openswf did not start; its log:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi
url="$scheme://$addr"

# Wait until it answers a request (any AWS JSON answer will do).
PYTHONNOUSERSITE=1 /usr/bin/python3 - "$url" "${CONFORMANCE_CA_BUNDLE:-}" <<'EOF'
import ssl, sys, time, urllib.error, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[2]) if sys.argv[2] else None
deadline = time.monotonic() + 10
while True:
    req = urllib.request.Request(sys.argv[1], data=b'{"registrationStatus":"REGISTERED"}', headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "SimpleWorkflowService.ListDomains"})
    try:
        urllib.request.urlopen(req, timeout=2, context=ctx).read()
        break
    except urllib.error.HTTPError:
        break  # it answered, if only to refuse the unsigned request
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("conformance: openswf at %s does not answer" % sys.argv[1])
        time.sleep(0.1)
EOF
echo "openswf $url (pid $pid, poll hold 3s${CONFORMANCE_CA_BUNDLE:+, certificate $CONFORMANCE_CA_BUNDLE}${CONFORMANCE_AUTH_FILE:+, access control $CONFORMANCE_AUTH_FILE}); pending groups: ${CONFORMANCE_PENDING:-none}"

# run_suite NAME CMD…: runs one suite under timeout, echoing its lines and keeping them for the totals. A suite
# that does not print its closing `# … done` line (crash, timeout) counts as one more failure.
extra_failures=0
run_suite() {
  local name=$1 rc=0
  shift
  echo "== conformance: $name suite"
  timeout -k 10 "$SUITE_LIMIT" "$@" </dev/null 2>&1 | tee "$tmp/$name.out" || rc=$?
  if ! grep -q "^# $name suite done" "$tmp/$name.out"; then
    echo "FAIL $name suite: did not finish (exit code $rc; 124 = over ${SUITE_LIMIT}s)"
    extra_failures=$((extra_failures + 1))
  fi
}
export PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1
run_suite boto3 env -u PYTHONPATH /usr/bin/python3 conformance/boto3_suite.py "$url"
run_suite cli bash conformance/cli_suite.sh "$url"

echo "== conformance: stop openswf"
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
stopped=0
if kill -0 "$pid" 2>/dev/null; then
  echo "FAIL server shutdown: openswf did not stop within 10 s of SIGTERM"
  extra_failures=$((extra_failures + 1))
else
  wait "$pid" 2>/dev/null || stopped=$?
  [ "$stopped" = 0 ] || echo "openswf exited with status $stopped after SIGTERM"
fi
if grep -q 'level=ERROR\|panic' "$tmp/server.log"; then
  echo "-- server log errors:"
  grep 'level=ERROR\|panic' "$tmp/server.log" | head -n 20
fi

count() { cat "$tmp/boto3.out" "$tmp/cli.out" | grep -c "^$1 " || true; }
passed=$(count PASS)
failed=$(($(count FAIL) + extra_failures))
pending=$(count PENDING)
skipped=$(count SKIP)
echo "$pending pending (groups: ${CONFORMANCE_PENDING:-none})"
[ "$skipped" = 0 ] || echo "$skipped skipped (they need CONFORMANCE_AUTH=1)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
