#!/usr/bin/env bash
# CPU-time grid of docs/performance.md: bench/stepcost-grid.sh <label> [java options...]
# CLASSES=<dir with classes/ and test-classes/> selects another build (default operator/target).
set -euo pipefail
label=$1; shift || true
cd "$(dirname "$0")/.."
[ -f operator/cp.txt ] || mvn -q -o -pl operator dependency:build-classpath -Dmdep.outputFile=cp.txt
CLASSES=${CLASSES:-operator/target}
CP=$CLASSES/test-classes:$CLASSES/classes:$(cat operator/cp.txt)
mkdir -p bench/results
{
  uptime
  java "$@" -cp "$CP" org.flinkrtrl.bench.StepCost OK 8,16,32,64,128 1,2,4,8,16
  java "$@" -cp "$CP" org.flinkrtrl.bench.StepCost KF,UORO,RTRL 8,16,32,64,128 1
  uptime
} > "bench/results/stepcost-$label.md" 2>&1
