#!/usr/bin/env bash
# End-to-end throughput of the sensor job against its bare learner (org.flinkrtrl.bench.JobThroughput), one JVM,
# under nice. VECTOR=1 adds the Vector API kernels. Arguments go to JobThroughput, e.g.
#   bench/job-throughput.sh --hidden 16,32 --keys 1,100 --backends hashmap --modes bare,file,kafka-alo,kafka-eo
# Full matrix (the defaults): --hidden 8,16,32 --keys 1,100,10000 --backends hashmap,rocksdb
# Every row: the whole run and the steady state (from --steady-from, 0.3, of its outputs to the last); longer rows
# (--events 1000000) amortise the jobs' start and one-off compilation. Kafka client settings side by side:
#   --modes bare,kafka-alo,kafka-alo@big --kafka-big 'linger.ms=100;batch.size=1048576'
# The run's folder under /tmp (broker, topics, checkpoints: gigabytes on long rows) is deleted after a run without
# failures; --keep-dir true keeps it.
# Host regimes (docs/performance.md): --pairs 3 runs the bare loop right before every job run and reports the median
# of the pairs' ratios; --kafka-window job ends Kafka windows on the job's own prediction count (the checking
# consumer reads the topic only afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
cp="core/target/classes:$(bench/classpath.sh)"
flags=(-Xmx${HEAP:-6g} -XX:+UseG1GC)
if [ "${VECTOR:-0}" = 1 ]; then flags+=(--add-modules jdk.incubator.vector); fi
# shellcheck disable=SC2206 # JAVA_OPTS is a list of JVM options, e.g. JAVA_OPTS=-XX:ObjectAlignmentInBytes=64
flags+=(${JAVA_OPTS:-})
exec nice -n 10 java "${flags[@]}" ${JFR:+-XX:StartFlightRecording=filename=$JFR,settings=profile} \
  -Dlog4j2.level=WARN -cp "$cp" org.flinkrtrl.bench.JobThroughput "$@"
