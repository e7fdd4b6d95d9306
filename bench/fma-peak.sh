#!/usr/bin/env bash
# The double-precision FMA ceiling of one core at the widest vectors the CPU has (fma-peak.c: 512-bit with AVX-512F,
# else 256-bit), and the OK-RTRL training step's share of it, measured in the same run:
#   bench/fma-peak.sh            # peak, StepCost OK n=32 r=4 on the Vector API kernels, peak again, share
#   STEP=0 bench/fma-peak.sh     # the peak only
#   POINT="OK 16 4" bench/fma-peak.sh   # another step
#   CLASSES=/tmp/before/core/target/classes bench/fma-peak.sh   # another core build (before/after comparisons)
# The step's GFLOP/s are StepCost's nominal flops (StepCost.flops) over thread CPU time, the last of REPEAT (default 3)
# measurements in one JVM (on a loaded host the first two can still be JIT warm-up), and the median, best and worst of
# all but the first (REPEAT=12: about 30 s of them); the share is against the mean of the peaks before and after it.
# Needs gcc (x86-64) and, for the step, Java 17+ and an offline Maven build (bench/classpath.sh). JAVA overrides java.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${TMPDIR:-/tmp}/fma-peak.$$"
trap 'rm -f "$out"' EXIT
gcc -O2 -mavx2 -mfma "$here/fma-peak.c" -o "$out"
grep -m1 -E '^model name' /proc/cpuinfo || true
grep -m1 -E '^cpu family' /proc/cpuinfo || true
grep -m1 -E '^model\s' /proc/cpuinfo || true
echo "# $(uptime)"
p1=$("$out" | tee /dev/stderr | awk '/^peak/ {print $2, $3}')
echo "widest vectors: ${p1#* }-bit, peak ${p1% *} GFLOP/s"
if [ "${STEP:-1}" = 0 ]; then
  exit 0
fi
cd "$here/.."
set -- ${POINT:-OK 32 4}
cp="${CLASSES:-core/target/classes}:$(bench/classpath.sh)"
ns=$2; for ((i = 1; i < ${REPEAT:-3}; i++)); do ns="$ns,$2"; done
rows=$(${JAVA:-java} --add-modules jdk.incubator.vector -cp "$cp" org.flinkrtrl.bench.StepCost "$1" "$ns" "$3" 2>/dev/null \
  | tee /dev/stderr | grep "^| $1 | $2 |")
gf=$(echo "$rows" | tail -1 | awk -F'|' '{gsub(/ /, "", $9); print $9}')
# every measurement after the first (JIT warm-up), sorted: the host's speed moves between stretches of tens of seconds
# (docs/performance.md, "Host regimes"), so one JVM's measurements give a median and a best beside the last
all=$(echo "$rows" | tail -n +2 | awk -F'|' '{gsub(/ /, "", $9); print $9}' | sort -n | paste -sd' ')
p2=$("$out" | awk '/^peak/ {print $2}')
echo "# $(uptime)"
awk -v gf="$gf" -v all="$all" -v a="${p1% *}" -v b="$p2" -v bits="${p1#* }" -v pt="$1 n=$2 r=$3" 'BEGIN {
  peak = (a + b) / 2;
  printf "peak %.1f GFLOP/s at %d-bit (%.1f before, %.1f after the step); step %s: %.2f GFLOP/s nominal = %.1f %% of the peak\n",
    peak, bits, a, b, pt, gf, 100 * gf / peak;
  k = split(all, v, " ");
  if (k >= 2) {
    med = k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2;
    printf "the %d measurements after the first: median %.2f GFLOP/s = %.1f %%, best %.2f = %.1f %%, worst %.2f = %.1f %%\n",
      k, med, 100 * med / peak, v[k], 100 * v[k] / peak, v[1], 100 * v[1] / peak;
  }
}'
