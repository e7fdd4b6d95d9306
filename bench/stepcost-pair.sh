#!/usr/bin/env bash
# One StepCost point, two core builds, R interleaved rounds of separate JVMs (default 6), each JVM measuring the point
# REPEAT times (default 3) and keeping the last: per round the us/step from StepCost's median and from its best of 5
# rounds, then the medians over the rounds and the minimum of the bests. On a shared host single JVMs can run slow
# as a whole (other processes on the same core); the best-of figures and the medians are the robust part.
#   bench/stepcost-pair.sh <before core classes dir> <after core classes dir> [R]
#   POINT="OK 16 4" bench/stepcost-pair.sh ...          (default "OK 32 4")
set -uo pipefail
cd "$(dirname "$0")/.."
B=$1; A=$2; R=${3:-6}
set -- ${POINT:-OK 32 4}
ns=$2; for ((i = 1; i < ${REPEAT:-3}; i++)); do ns="$ns,$2"; done
DEPS=$(bench/classpath.sh)
one() { ${JAVA:-java} --add-modules jdk.incubator.vector -cp "$1:$DEPS" org.flinkrtrl.bench.StepCost "$2" "$ns" "$4" 2>/dev/null \
  | grep "^| $2 | $3 |" | tail -1 | awk -F'|' '{m=$5; b=$6; gsub(/[ ,]/,"",m); gsub(/[ ,]/,"",b); printf "%.2f %.2f\n", 1e6/m, 1e6/b}'; }
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
mn() { printf '%s\n' "$@" | sort -g | head -1; }
bm=(); bb=(); am=(); ab=()
echo "# $1 n=$2 r=$3, $(uptime)"
for ((i = 0; i < R; i++)); do
  read -r x y < <(one "$B" "$1" "$2" "$3"); read -r u v < <(one "$A" "$1" "$2" "$3")
  bm+=("$x"); bb+=("$y"); am+=("$u"); ab+=("$v")
  echo "round $i: before $x us (best $y), after $u us (best $v)"
done
echo "median: before $(med "${bm[@]}") us, after $(med "${am[@]}") us | median of bests: before $(med "${bb[@]}"), after $(med "${ab[@]}") | min: before $(mn "${bb[@]}"), after $(mn "${ab[@]}")"
echo "# $(uptime)"
