#!/usr/bin/env bash
# Many keys through the sensor job's topology on RocksDB (org.flinkrtrl.jobs.KeyScale), one JVM, under nice.
# Arguments go to KeyScale: its own (--keys, --events-per-key, --report-every, --work-dir, --conf key=value) and the
# job's options. The million-key run of docs/performance.md:
#   bench/key-scale.sh --keys 1000000 --work-dir /tmp/key-scale \
#     --conf state.backend.rocksdb.use-bloom-filter=true --conf execution.checkpointing.incremental=true \
#     --hidden 8 --state-backend rocksdb --checkpoint-dir file:///tmp/key-scale/chk --checkpoint-interval 60s
set -euo pipefail
cd "$(dirname "$0")/.."
cp="core/target/classes:$(bench/classpath.sh)"
exec nice -n "${NICE:-15}" java -Xmx${HEAP:-3g} -XX:+UseG1GC -Dlog4j2.configurationFile=bench/key-scale-log4j2.properties \
  -cp "$cp" org.flinkrtrl.jobs.KeyScale "$@"
