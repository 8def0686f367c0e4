#!/usr/bin/env bash
# Builds the release binaries of openswf: static (CGO_ENABLED=0, pure Go, SQLite included) for linux/amd64,
# linux/arm64, darwin/arm64 and windows/amd64, stamped with the version, the commit and the build date, and a
# SHA256SUMS file over them, in OUT (dist/ by default).
#
#   scripts/release.sh [VERSION]      VERSION defaults to `git describe --tags --always --dirty`
#   OUT=/tmp/rel scripts/release.sh v1.2.3
#
# Check the binaries with `cd dist && sha256sum -c SHA256SUMS`.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
# The commit's own time, so that two builds of one commit are the same bytes; now, outside a checkout.
date="$(TZ=UTC git show -s --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ HEAD 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)"
out="${OUT:-dist}"
platforms="${PLATFORMS:-linux/amd64 linux/arm64 darwin/arm64 windows/amd64}"

mkdir -p "$out"
ldflags="-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date"
names=()
for p in $platforms; do
  os="${p%/*}" arch="${p#*/}"
  name="openswf-$version-$os-$arch"
  [ "$os" = windows ] && name="$name.exe"
  echo "== $name"
  # -trimpath keeps the build machine's paths out of the binary; -buildvcs=false because the commit is
  # stamped above, and a checkout's VCS stamp would fail in a tree without .git.
  CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" \
    go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out/$name" ./cmd/openswf
  names+=("$name")
done
(cd "$out" && sha256sum "${names[@]}" > SHA256SUMS)
echo "== $out/SHA256SUMS"
cat "$out/SHA256SUMS"
