#!/usr/bin/env python3
"""Best-against-best tables from the learning-rate grids under docs/results/paper.

Reads every <grid>/<run>/charlm.md (its results table and its --lr / --seed / --batch / --update-period settings)
and prints, per grid and method, the eval BPC at each learning rate and the best one, as markdown.
Usage: python3 docs/results/paper/summarise.py [grid ...]   (default: every charlm-* directory)
"""
import os
import re
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.abspath(__file__))


def read_run(md_path):
    text = open(md_path).read()
    settings = dict(re.findall(r"^\* `--([a-z-]+) ([^`]*)`$", text, re.M))
    rows = []
    in_table = False
    for line in text.splitlines():
        if line.startswith("| method | eval BPC"):
            in_table = True
            continue
        if in_table:
            if not line.startswith("|"):
                break
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0].startswith("---"):
                continue
            rows.append((cells[0], float(cells[1]) if cells[1] not in ("NaN", "") else float("nan"),
                         int(cells[3]), float(cells[4])))
    return settings, rows


def grid(name):
    table = defaultdict(dict)  # method -> (lr, seed) -> (bpc, updates, seconds)
    base = os.path.join(ROOT, name)
    for run in sorted(os.listdir(base)):
        md = os.path.join(base, run, "charlm.md")
        if not os.path.exists(md):
            continue
        s, rows = read_run(md)
        for method, bpc, updates, secs in rows:
            table[method][(float(s["lr"]), int(s["seed"]))] = (bpc, updates, secs)
    return table


def main(names):
    for name in names:
        table = grid(name)
        lrs = sorted({lr for m in table.values() for (lr, _) in m})
        print(f"\n### {name}\n")
        print("| method | " + " | ".join(f"lr {lr:g}" for lr in lrs) + " | best (seed 1) | other seeds at the best lr |")
        print("|---" * (len(lrs) + 3) + "|")
        for method, runs in table.items():
            cells = []
            best = None
            for lr in lrs:
                v = runs.get((lr, 1))
                cells.append("" if v is None else f"{v[0]:.3f}")
                if v is not None and v[0] == v[0] and (best is None or v[0] < best[1]):
                    best = (lr, v[0])
            others = "" if best is None else ", ".join(
                f"seed {seed}: {runs[(lr, seed)][0]:.3f}" for (lr, seed) in sorted(runs) if lr == best[0] and seed != 1)
            bests = "" if best is None else f"**{best[1]:.3f}** at {best[0]:g}"
            print(f"| {method} | " + " | ".join(cells) + f" | {bests} | {others} |")


if __name__ == "__main__":
    args = sys.argv[1:] or sorted(d for d in os.listdir(ROOT) if d.startswith("charlm-") and os.path.isdir(os.path.join(ROOT, d)))
    main(args)
