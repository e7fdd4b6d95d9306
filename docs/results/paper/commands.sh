#!/usr/bin/env bash
# The runs behind docs/results/paper/README.md, in the order they were run (sequentially, under nice, on the shared
# 2-core host). From the repository root. Every run also writes its exact command into its charlm.md / copy.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
X="nice -n 10 experiments/run-experiment.sh"
L="CharLm --hidden 16 --steps 200000 --eval-every 25000 --eval-chars 10000"
P=docs/results/paper

# 1. char-LM, b = 1, learning-rate grids, seed 1
for lr in 2.5e-4 5e-4 1e-3 2e-3 4e-3; do
  $X $L --methods ok2,ok8,kf,uoro,rtrl --lr $lr --seed 1 --out $P/charlm-n16-b1/lr$lr
done
for lr in 1e-3 2e-3 4e-3 8e-3 1.6e-2; do
  $X $L --methods tbptt5,tbptt10,tbptt25 --lr $lr --seed 1 --out $P/charlm-n16-b1/tbptt-lr$lr
done
# 2. char-LM, b = 32 (same 200k characters: 6,250 steps of 32 streams), seed 1
for lr in 2e-3 4e-3 8e-3 1.6e-2; do
  $X $L --methods ok2,ok8,kf,uoro --batch 32 --lr $lr --seed 1 --out $P/charlm-n16-b32/lr$lr
done
for lr in 4e-3 8e-3 1.6e-2 3.2e-2; do
  $X $L --methods tbptt5,tbptt10,tbptt25 --batch 32 --lr $lr --seed 1 --out $P/charlm-n16-b32/tbptt-lr$lr
done
# 3. copy task, n = 32, b = 16, 20k steps, seed 1
for lr in 1e-3 2e-3 4e-3 8e-3; do
  $X CopyTask --hidden 32 --steps 20000 --batch 16 --truncation 4 --methods ok4,kf,uoro,tbptt4,tbptt8 --lr $lr \
    --seeds 1 --log-every 500 --out $P/copy-n32-b16/lr$lr
done
# 4. char-LM b = 1: seeds 2 and 3 of the decisive rows; update period 32 for OK r=8
for seed in 2 3; do
  $X $L --methods ok8,rtrl --lr 1e-3 --seed $seed --out $P/charlm-n16-b1/lr1e-3-seed$seed
  $X $L --methods tbptt25 --lr 8e-3 --seed $seed --out $P/charlm-n16-b1/tbptt-lr8e-3-seed$seed
  $X $L --methods tbptt10 --lr 4e-3 --seed $seed --out $P/charlm-n16-b1/tbptt-lr4e-3-seed$seed
done
for lr in 2e-3 4e-3 8e-3 1.6e-2; do
  $X $L --methods ok8 --update-period 32 --lr $lr --seed 1 --out $P/charlm-n16-b1-k32/lr$lr
done
# 5. char-LM b = 32: TBPTT's grid extended upwards, exact RTRL at OK's best rate, seeds 2 and 3
B="$L --batch 32"
$X $B --methods tbptt5,tbptt10,tbptt25 --lr 6.4e-2 --seed 1 --out $P/charlm-n16-b32/tbptt-lr6.4e-2
$X $B --methods tbptt10,tbptt25 --lr 1.28e-1 --seed 1 --out $P/charlm-n16-b32/tbptt-lr1.28e-1
$X $B --methods rtrl --lr 8e-3 --seed 1 --out $P/charlm-n16-b32/rtrl-lr8e-3
for seed in 2 3; do
  $X $B --methods ok8 --lr 8e-3 --seed $seed --out $P/charlm-n16-b32/lr8e-3-seed$seed
  $X $B --methods tbptt10,tbptt25 --lr 3.2e-2 --seed $seed --out $P/charlm-n16-b32/tbptt-lr3.2e-2-seed$seed
  $X $B --methods tbptt10,tbptt25 --lr 6.4e-2 --seed $seed --out $P/charlm-n16-b32/tbptt-lr6.4e-2-seed$seed
done
# 6. copy task: seeds 2 and 3 at 4e-3 and 8e-3, then 60k steps at 4e-3
C="CopyTask --hidden 32 --batch 16 --truncation 4 --log-every 500"
for lr in 4e-3 8e-3; do
  $X $C --steps 20000 --methods ok4,kf,tbptt4,tbptt8 --lr $lr --seeds 2,3 --out $P/copy-n32-b16/lr$lr-seeds23
done
$X $C --steps 60000 --methods ok4,kf,tbptt4,tbptt8 --lr 4e-3 --seeds 1 --out $P/copy-n32-b16-60k
# 7. char-LM b = 1, update period 32: seeds 2 and 3 at OK r=8's best rate
for seed in 2 3; do
  $X $L --methods ok8 --update-period 32 --lr 8e-3 --seed $seed --out $P/charlm-n16-b1-k32/lr8e-3-seed$seed
done
# tables and best-rate plots
/usr/bin/python3 $P/summarise.py
