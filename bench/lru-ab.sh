#!/usr/bin/env bash
# The online LRU's learner step, two core builds interleaved (separate JVMs, same load), with r-OK n = 32, r = 4 in
# the same JVMs: per round and build one StepCost OK,LRU,OK,LRU 8,32 4 4 2 1 (the forecaster's shape), printing the
# 2nd pass of r-OK n = 32 and of the LRU N = 8 (us/event, median of StepCost's rounds) and their ratio.
#   bench/lru-ab.sh <before core classes dir> <after core classes dir> [rounds] [vector|plain]
set -uo pipefail
cd "$(dirname "$0")/.."
B=$1; A=$2; R=${3:-4}; FAM=${4:-vector}
DEPS=$(bench/classpath.sh)
if [ "$FAM" = vector ]; then opts=(--add-modules jdk.incubator.vector); else opts=(-Dflinkrtrl.kernels=plain); fi
one() {
  nice -n 10 java "${opts[@]}" -cp "$1:$DEPS" org.flinkrtrl.bench.StepCost OK,LRU,OK,LRU 8,32 4 4 2 1 2>/dev/null \
    | awk -F'|' '{gsub(/ /,"",$2); gsub(/ /,"",$3); gsub(/ /,"",$7)} $2=="OK" && $3=="32" {ok=$7} $2=="LRU" && $3=="8" {lru=$7} END {printf "%s %s %.1f\n", ok, lru, ok/lru}'
}
echo "# $FAM kernels, $(date -u +%H:%M) UTC, $(uptime | sed 's/.*load/load/')"
echo "| round | before: r-OK us | LRU us | ratio | after: r-OK us | LRU us | ratio |"
echo "|---|---|---|---|---|---|---|"
for ((i = 1; i <= R; i++)); do
  read -r bo bl br < <(one "$B"); read -r ao al ar < <(one "$A")
  echo "| $i | $bo | $bl | ${br}x | $ao | $al | ${ar}x |"
done
echo "# $(date -u +%H:%M) UTC, $(uptime | sed 's/.*load/load/')"
