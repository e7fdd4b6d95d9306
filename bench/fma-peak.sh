#!/usr/bin/env bash
# The double-precision FMA ceiling of one core of this machine (see fma-peak.c). Needs gcc.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${TMPDIR:-/tmp}/fma-peak.$$"
gcc -O2 -mavx2 -mfma "$here/fma-peak.c" -o "$out"
grep -m1 -E '^model name' /proc/cpuinfo || true
grep -m1 -E '^cpu family' /proc/cpuinfo || true
grep -m1 -E '^model\s' /proc/cpuinfo || true
"$out"
rm -f "$out"
