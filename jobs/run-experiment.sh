#!/usr/bin/env bash
# Runs one experiment runner of org.flinkrtrl.jobs.experiments from the repository root:
#   jobs/run-experiment.sh CopyTask --steps 200000 ...
# Builds operator + jobs first (skip with NO_BUILD=1). One JVM, serial GC, small heap: the runners are single-threaded.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${NO_BUILD:-}" ]; then
  mvn -q -pl jobs -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime
fi
main="$1"; shift
exec java -Xmx1g -XX:+UseSerialGC -Djava.awt.headless=true \
  -cp "jobs/target/classes:$(cat jobs/target/cp.txt)" "org.flinkrtrl.jobs.experiments.${main}" "$@"
