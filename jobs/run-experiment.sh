#!/usr/bin/env bash
# Runs one experiment runner of org.flinkrtrl.jobs.experiments from the repository root:
#   jobs/run-experiment.sh CopyTask --steps 200000 ...
# Builds operator + jobs first (skip with NO_BUILD=1), then runs on a private copy of the compiled classes so a
# rebuild during a long run cannot break it. One JVM, serial GC, small heap: the runners are single-threaded.
# The Vector API module enables the core's SIMD kernels (docs/performance.md), as for any job launcher.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
if [ -z "${NO_BUILD:-}" ]; then
  mvn -q -pl jobs -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime
fi
main="$1"; shift
snap="$(mktemp -d)"
trap 'rm -rf "$snap"' EXIT
cp -r jobs/target/classes "$snap/jobs"
cp -r operator/target/classes "$snap/operator"
deps="$(sed "s#${root}/operator/target/classes#${snap}/operator#" jobs/target/cp.txt)"
java -Xmx1g -XX:+UseSerialGC -Djava.awt.headless=true --add-modules jdk.incubator.vector \
  -cp "${snap}/jobs:${deps}" "org.flinkrtrl.jobs.experiments.${main}" "$@"
