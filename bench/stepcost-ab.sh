#!/usr/bin/env bash
# Before/after CPU-time grid of docs/performance.md, interleaved so that both builds see the same machine load:
#   bench/stepcost-ab.sh <before-target-dir> [after-target-dir]   (dirs holding classes/ and test-classes/)
# For each point: before-vector, after-vector, before-plain, after-plain (plain = JVM without the module).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f operator/cp.txt ] || mvn -q -o -pl operator dependency:build-classpath -Dmdep.outputFile=cp.txt
B=$1; A=${2:-operator/target}
DEPS=$(cat operator/cp.txt)
VEC="--add-modules jdk.incubator.vector"
run() { # dir vec|plain method n r
  local opts=""; [ "$2" = vec ] && opts=$VEC
  java $opts -cp "$1/test-classes:$1/classes:$DEPS" org.flinkrtrl.bench.StepCost "$3" "$4" "$5" 2>/dev/null \
    | grep '^| [A-Z]' | grep -v method | awk -F'|' '{gsub(/ /,"",$5); print $5}'
}
echo "# $(uptime)"
echo "| method | n | r | before vector | after vector | before plain | after plain |"
echo "|---|---|---|---|---|---|---|"
points=()
for n in 16 32 64; do for r in 1 2 4 8; do points+=("OK $n $r"); done; done
for n in 16 32 64; do points+=("KF $n 1" "UORO $n 1"); done
for p in "${points[@]}"; do
  set -- $p
  bv=$(run "$B" vec $1 $2 $3); av=$(run "$A" vec $1 $2 $3)
  bp=$(run "$B" plain $1 $2 $3); ap=$(run "$A" plain $1 $2 $3)
  rr=$3; [ "$1" = OK ] || rr=-
  echo "| $1 | $2 | $rr | $bv | $av | $bp | $ap |"
done
echo "# $(uptime)"
