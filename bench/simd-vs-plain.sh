#!/usr/bin/env bash
# The local job on the SIMD kernels (./flink-rtrl --kernels vector: Vector API module, early and blocking C2 compilation of the kernels, background
# warm-up) against the plain kernels (java -jar), whole commands in interleaved pairs (A B A B ...), user + sys CPU
# and wall clock of each run from /usr/bin/time, and the job's own "events/s from the first output to the last".
# Input: the bundled demo (EVENTS=demo) or the one-key series machine_temperature_system_failure.csv of the NAB
# corpus, its values in file order at 5-minute steps, truncated or repeated to EVENTS rows.
# Usage: EVENTS=500 HIDDEN=16 PAIRS=3 bench/simd-vs-plain.sh      (build first: mvn -B -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
events=${EVENTS:-demo}
hidden=${HIDDEN:-16}
pairs=${PAIRS:-3}
work=${WORK:-/tmp/simd-vs-plain}
series=${SERIES:-/work/shared/data/nab-dev/realKnownCause/machine_temperature_system_failure.csv}
mkdir -p "$work"
args=(--hidden "$hidden")
if [ "$events" != demo ]; then
  file="$work/one-key-$events.csv"
  python3 - "$series" "$events" "$file" <<'PY'
import csv, datetime, sys
rows = list(csv.reader(open(sys.argv[1])))[1:]
n, fmt = int(sys.argv[2]), '%Y-%m-%d %H:%M:%S'
t0 = datetime.datetime.strptime(rows[0][0], fmt)
with open(sys.argv[3], 'w') as f:
    f.write('timestamp,value\n')
    for i in range(n):
        f.write((t0 + datetime.timedelta(minutes=5 * i)).strftime(fmt) + ',' + rows[i % len(rows)][1] + '\n')
PY
  args+=(--input "$file" --constant-key m --time-field timestamp --value-fields value)
fi
run() { # label command...
  local label=$1; shift
  /usr/bin/time -o "$work/$label.time" -f '%U %S %e' nice -n 10 "$@" "${args[@]}" --out-dir "$work/out-$label" \
    > "$work/$label.log" 2>&1
  local t
  t=$(tail -1 "$work/$label.time")
  local rate
  rate=$(grep -o '[0-9]* events/s from the first output to the last' "$work/$label.log" | cut -d' ' -f1)
  awk -v l="$label" -v r="$rate" '{printf "%-6s cpu %6.1f s  wall %6.1f s  job %s events/s\n", l, $1 + $2, $3, r}' <<< "$t"
}
echo "events $events, n = $hidden, $pairs pairs"
for ((i = 1; i <= pairs; i++)); do
  run simd "$root/flink-rtrl" --kernels vector
  run plain java -jar "$root/jobs/target/flink-rtrl-local.jar"
done
