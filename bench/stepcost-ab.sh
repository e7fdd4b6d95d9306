#!/usr/bin/env bash
# Before/after CPU-time grid of docs/performance.md, interleaved so that both builds see the same machine load:
#   bench/stepcost-ab.sh <before-target-dir> [after-target-dir]   (core target dirs holding classes/)
# For each point: before-vector, after-vector, before-plain, after-plain (plain = JVM without the module).
# REPEAT=k (default 1) measures each point k times in the same JVM and reports the last: on this 2-vCPU host the
# single C2 thread sometimes has not compiled the Vector API kernels after StepCost's 1.5 s warm-up (a first run of
# 3,000 events/s next to 17,000 for the same build), which REPEAT=2 or 3 removes. POINTS="OK 32 4;OK 16 1" limits
# the grid.
set -euo pipefail
cd "$(dirname "$0")/.."
B=$1; A=${2:-core/target}
DEPS=$(bench/classpath.sh)
VEC="--add-modules jdk.incubator.vector"
run() { # dir vec|plain method n r
  local opts=""; [ "$2" = vec ] && opts=$VEC
  local rs=$5; for ((i = 1; i < ${REPEAT:-1}; i++)); do rs="$rs,$5"; done
  java $opts -cp "$1/classes:$DEPS" org.flinkrtrl.bench.StepCost "$3" "$4" "$rs" 2>/dev/null \
    | grep '^| [A-Z]' | grep -v method | tail -1 | awk -F'|' '{gsub(/ /,"",$5); print $5}'
}
echo "# $(uptime)"
echo "| method | n | r | before vector | after vector | before plain | after plain |"
echo "|---|---|---|---|---|---|---|"
points=()
if [ -n "${POINTS:-}" ]; then
  IFS=';' read -r -a points <<< "$POINTS"
else
  for n in 16 32 64; do for r in 1 2 4 8; do points+=("OK $n $r"); done; done
  for n in 16 32 64; do points+=("KF $n 1" "UORO $n 1"); done
fi
for p in "${points[@]}"; do
  set -- $p
  bv=$(run "$B" vec $1 $2 $3); av=$(run "$A" vec $1 $2 $3)
  bp=$(run "$B" plain $1 $2 $3); ap=$(run "$A" plain $1 $2 $3)
  rr=$3; [ "$1" = OK ] || rr=-
  echo "| $1 | $2 | $rr | $bv | $av | $bp | $ap |"
done
echo "# $(uptime)"
