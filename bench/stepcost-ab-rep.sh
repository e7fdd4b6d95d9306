#!/usr/bin/env bash
# Like stepcost-ab.sh, but R rounds (default 3) of before/after interleaved per point; prints the medians and every value:
#   bench/stepcost-ab-rep.sh <before-target-dir> <after-target-dir> [R]   (core target dirs holding classes/)
set -uo pipefail
cd "$(dirname "$0")/.."
B=$1; A=$2; R=${3:-3}
DEPS=$(bench/classpath.sh)
VEC="--add-modules jdk.incubator.vector"
run() { local opts=""; [ "$2" = vec ] && opts=$VEC
  java $opts -cp "$1/classes:$DEPS" org.flinkrtrl.bench.StepCost "$3" "$4" "$5" 2>/dev/null \
    | grep "^| $3 " | head -1 | awk -F'|' '{gsub(/[ ,]/,"",$5); print $5}'; }
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "# $(uptime)"
echo "| method | n | r | before vector | after vector | ratio | before plain | after plain | ratio | (all: bv / av / bp / ap) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
pts=("OK 32 4" "OK 16 1" "OK 16 2" "OK 16 4" "OK 16 8" "OK 32 1" "OK 32 2" "OK 32 8" "OK 64 1" "OK 64 2" "OK 64 4" "OK 64 8" "KF 16 1" "KF 32 1" "KF 64 1")
for p in "${pts[@]}"; do set -- $p
  bv=(); av=(); bp=(); ap=()
  for ((i=0;i<R;i++)); do
    bv+=($(run "$B" vec $1 $2 $3)); av+=($(run "$A" vec $1 $2 $3))
    bp+=($(run "$B" plain $1 $2 $3)); ap+=($(run "$A" plain $1 $2 $3))
  done
  mbv=$(med "${bv[@]}"); mav=$(med "${av[@]}"); mbp=$(med "${bp[@]}"); map=$(med "${ap[@]}")
  rr=$3; [ "$1" = OK ] || rr=-
  echo "| $1 | $2 | $rr | $mbv | $mav | $(awk "BEGIN{printf \"%.2f\", $mav/$mbv}") | $mbp | $map | $(awk "BEGIN{printf \"%.2f\", $map/$mbp}") | ${bv[*]} / ${av[*]} / ${bp[*]} / ${ap[*]} |"
done
echo "# $(uptime)"
