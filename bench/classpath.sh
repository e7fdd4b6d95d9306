#!/usr/bin/env bash
# Prints the benchmarks' classpath without the core's classes: bench/target/classes, the Flink layer and every
# dependency. Callers put the core build they measure in front (core/target/classes, or a copy of an older build),
# so before/after runs differ only in the core. Builds the class path file once (delete bench/target/cp.txt to redo).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [ ! -f bench/target/cp.txt ]; then
  mvn -q -o -pl bench -am compile dependency:build-classpath -Dmdep.outputFile="$root/bench/target/cp.raw" >&2
  tr ':' '\n' < bench/target/cp.raw | grep -v "^$root/core/target/classes$" | paste -sd: > bench/target/cp.txt
fi
echo "$root/bench/target/classes:$(cat bench/target/cp.txt)"
