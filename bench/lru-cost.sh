#!/usr/bin/env bash
# CPU per event of the online LRU against r-OK n = 32, r = 4 on both kernel families, in one invocation so the
# ratios come from the same load (docs/lru-results.md):
#   1. the learner step alone (StepCost) with the sensor forecaster's network shape (4 inputs, 2 outputs, readout
#      clipping 1), each method measured twice in the same JVM (OK, LRU, OK, LRU; read the better pass);
#   2. the whole forecaster per event (SensorForecast on the bundled motes), with the forecaster without a network
#      beside it (the per-event floor that is not the network's);
# each once with the Vector API kernels and once with -Dflinkrtrl.kernels=plain. Run from the repository root after
# `mvn -q -o -pl bench,experiments -am compile`; everything under nice -n 10.
set -euo pipefail
cd "$(dirname "$0")/.."
CP="core/target/classes:$(bench/classpath.sh)"
XCP="experiments/target/classes:$(cat experiments/target/cp.txt)"
SENSORS=/work/shared/data/sensors/suthaharan-single-hop.csv
for family in vector plain; do
  if [ "$family" = vector ]; then opts=(--add-modules jdk.incubator.vector); else opts=(-Dflinkrtrl.kernels=plain); fi
  echo "## $family kernels: learner step (StepCost OK,LRU,OK,LRU ${NS:-8,16,32} 4 4 2 1; LRU = the default linear readout)"
  nice -n 10 java "${opts[@]}" -cp "$CP" org.flinkrtrl.bench.StepCost OK,LRU,OK,LRU "${NS:-8,16,32}" 4 4 2 1 2>&1 \
    | grep -v '^WARNING'
  echo "## $family kernels: forecaster per event (SensorForecast)"
  nice -n 10 java -Xmx1g -XX:+UseSerialGC "${opts[@]}" -cp "$XCP" org.flinkrtrl.experiments.SensorForecast \
    --data "$SENSORS" --methods none@8,ok4@32,lru@8,lrumlp8@8,ok4@32,lru@8 --readout-clip 1 --seed 42 2>&1 \
    | grep -v '^WARNING'
done
