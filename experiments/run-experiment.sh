#!/usr/bin/env bash
# Runs one research runner of org.flinkrtrl.experiments from the repository root:
#   experiments/run-experiment.sh CopyTask --steps 200000 ...
# Builds core + experiments first (skip with NO_BUILD=1), then runs on a private copy of the compiled classes so a
# rebuild during a long run cannot break it. One JVM, serial GC, small heap: the runners are single-threaded.
# The Vector API module enables the core's SIMD kernels (docs/performance.md), as for any job launcher.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
if [ -z "${NO_BUILD:-}" ]; then
  mvn -q -pl experiments -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime
fi
main="$1"; shift
snap="$(mktemp -d)"
trap 'rm -rf "$snap"' EXIT
cp -r experiments/target/classes "$snap/experiments"
cp -r core/target/classes "$snap/core"
deps="$(sed "s#${root}/core/target/classes#${snap}/core#" experiments/target/cp.txt)"
java -Xmx1g -XX:+UseSerialGC -Djava.awt.headless=true --add-modules jdk.incubator.vector \
  -cp "${snap}/experiments:${deps}" "org.flinkrtrl.experiments.${main}" "$@"
