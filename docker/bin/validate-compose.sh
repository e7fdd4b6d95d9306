#!/usr/bin/env bash
# Offline validation of docker/compose.yaml (there is no Docker engine on the build machine):
#  1. npm dclint 3.1.0, errors only (Compose JSON schema + dclint's error rules);
#  2. consistency with what CI runs for real (docker/bin/compose-consistency.cjs): image versions equal the
#     Maven versions of the cluster/broker classpaths, the Flink and broker settings equal the ones in
#     flink-cluster.sh / kafka.sh, the job options equal failover-test.sh's, and the topics line up.
# dclint is installed once into <repo>/build/dclint (git-ignored). Exit 0 only when both pass.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DCLINT_VERSION=3.1.0
PREFIX="$ROOT/build/dclint"
COMPOSE="${1:-$ROOT/docker/compose.yaml}"

if [[ "$("$PREFIX/node_modules/.bin/dclint" --version 2>/dev/null)" != *"$DCLINT_VERSION"* ]]; then
  log "installing dclint $DCLINT_VERSION into $PREFIX"
  mkdir -p "$PREFIX"
  npm install --silent --no-audit --no-fund --prefix "$PREFIX" "dclint@$DCLINT_VERSION" >&2 || die "npm install dclint failed"
fi

rc=0
if "$PREFIX/node_modules/.bin/dclint" -q --color false "$COMPOSE"; then
  echo "dclint: $COMPOSE has no errors"
else
  echo "dclint: errors in $COMPOSE"; rc=1
fi
NODE_PATH="$PREFIX/node_modules" node "$ROOT/docker/bin/compose-consistency.cjs" "$COMPOSE" "$ROOT" || rc=1
exit $rc
