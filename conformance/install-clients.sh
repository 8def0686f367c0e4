#!/usr/bin/env bash
# Installs the real clients the conformance suite drives: Debian's aws CLI (`awscli`) and boto3
# (`python3-boto3`). Idempotent: it installs nothing when /usr/bin/aws and Debian's boto3 are already present.
# Debian's packages are used on purpose (not pip, not the first `aws` on PATH): they are the clients the issue
# names, pinned by the distribution, so a run today and a run next year drive the same botocore.
set -euo pipefail

have_clients() {
  [ -x /usr/bin/aws ] && PYTHONNOUSERSITE=1 /usr/bin/python3 -c 'import boto3' >/dev/null 2>&1
}

if ! have_clients; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-clients: apt-get not found; install Debian's awscli and python3-boto3 by hand" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    SUDO="sudo -n"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends awscli python3-boto3
fi

have_clients || { echo "install-clients: /usr/bin/aws or boto3 still missing" >&2; exit 1; }
echo "install-clients: $(/usr/bin/aws --version 2>&1)"
echo "install-clients: boto3 $(PYTHONNOUSERSITE=1 /usr/bin/python3 -c 'import boto3, botocore; print(boto3.__version__, "botocore", botocore.__version__)')"
