#!/usr/bin/env bash
# Runs the training-step grid of docs/performance.md and writes JMH JSON to bench/results/<label>-*.json.
# Usage: bench/run-grid.sh <label> [extra JVM/JMH args...]   (from the repository root, after test-compile)
set -euo pipefail
label=$1; shift || true
cd "$(dirname "$0")/.."
CLASSES=${CLASSES:-core/target}
CP=$CLASSES/classes:$(bench/classpath.sh)
JAVA=${JAVA:-java}
JVMARGS=${JVMARGS:-}
mkdir -p bench/results
run() { # name, jmh params...
  local name=$1; shift
  $JAVA -cp "$CP" org.openjdk.jmh.Main TrainingStepBench -f 1 -wi 3 -i 5 -w 1 -r 1 -prof gc \
    ${JVMARGS:+-jvmArgsAppend "$JVMARGS"} -rf json -rff "bench/results/$label-$name.json" "$@" > "bench/results/$label-$name.log" 2>&1
}
run ok   -p method=OK   -p n=8,16,32,64,128 -p r=1,2,4,8,16
run kf   -p method=KF   -p n=8,16,32,64,128 -p r=1
run uoro -p method=UORO -p n=8,16,32,64,128 -p r=1
run rtrl -p method=RTRL -p n=8,16,32,64 -p r=1
