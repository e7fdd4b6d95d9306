#!/usr/bin/env bash
# CPU-time grid of docs/performance.md: bench/stepcost-grid.sh <label> [java options...]
# CLASSES=<core target dir with classes/> selects another build (default core/target).
set -euo pipefail
label=$1; shift || true
cd "$(dirname "$0")/.."
CLASSES=${CLASSES:-core/target}
CP=$CLASSES/classes:$(bench/classpath.sh)
mkdir -p bench/results
{
  uptime
  java "$@" -cp "$CP" org.flinkrtrl.bench.StepCost OK 8,16,32,64,128 1,2,4,8,16
  java "$@" -cp "$CP" org.flinkrtrl.bench.StepCost KF,UORO,RTRL 8,16,32,64,128 1
  uptime
} > "bench/results/stepcost-$label.md" 2>&1
