#!/usr/bin/env python3
"""Best-against-best tables from the learning-rate grids under docs/results/paper.

Reads every <grid>/<run>/charlm.md (its results table and its --lr / --seed / --batch / --update-period settings)
and prints, per grid and method, the eval BPC at each learning rate and the best one, as markdown; plots each
method's held-out curve at its best learning rate (seed 1) into <grid>-best.png.
Usage: /usr/bin/python3 docs/results/paper/summarise.py [grid ...]   (default: every charlm-* directory)
"""
import csv
import os
import re
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.abspath(__file__))


def read_page(md_path, header):
    """A run page's --settings and the cells of the rows of its table whose header starts with `header`."""
    text = open(md_path).read()
    settings = dict(re.findall(r"^\* `--([a-z-]+) ([^`]*)`$", text, re.M))
    rows = []
    in_table = False
    for line in text.splitlines():
        if line.startswith(header):
            in_table = True
            continue
        if in_table:
            if not line.startswith("|"):
                break
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not cells[0].startswith("---"):
                rows.append(cells)
    return settings, rows


def read_run(md_path):
    settings, rows = read_page(md_path, "| method | eval BPC")
    return settings, [(c[0], float(c[1]) if c[1] not in ("NaN", "") else float("nan"), int(c[3]), float(c[4]))
                      for c in rows]


def grid(name):
    table = defaultdict(dict)  # method -> (lr, seed) -> (bpc, updates, seconds)
    base = os.path.join(ROOT, name)
    for run in sorted(os.listdir(base)):
        md = os.path.join(base, run, "charlm.md")
        if not os.path.exists(md):
            continue
        s, rows = read_run(md)
        for method, bpc, updates, secs in rows:
            table[method][(float(s["lr"]), int(s["seed"]))] = (bpc, updates, secs, os.path.join(base, run))
    return table


def key(label):
    m = re.match(r"OK r=(\d+)", label)
    if m:
        return "ok" + m.group(1)
    m = re.match(r"TBPTT T=(\d+)", label)
    if m:
        return "tbptt" + m.group(1)
    return {"KF-RTRL": "kf", "UORO": "uoro", "RTRL (exact)": "rtrl"}[label.split(" (diverged)")[0]]


def plot(name, best_runs):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5))
    for method, (lr, run_dir) in best_runs.items():
        xs, ys = [], []
        with open(os.path.join(run_dir, "charlm.csv")) as f:
            for row in csv.DictReader(f):
                if row["method"] == key(method):
                    xs.append(int(row["step"]))
                    ys.append(float(row["eval_bpc"]))
        ax.plot(xs, ys, marker="o", ms=3, label=f"{method} (lr {lr:g})")
    ax.set_xlabel("characters (all streams)")
    ax.set_ylabel("held-out BPC (first 10,000 characters)")
    ax.set_title(f"{name}: each method at its best learning rate (seed 1)")
    ax.set_ylim(top=4.6)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(ROOT, name + "-best.png"), dpi=90)


def main(names):
    for name in names:
        table = grid(name)
        lrs = sorted({lr for m in table.values() for (lr, _) in m})
        print(f"\n### {name}\n")
        print("| method | " + " | ".join(f"lr {lr:g}" for lr in lrs) + " | best (seed 1) | other seeds at the best lr |")
        print("|---" * (len(lrs) + 3) + "|")
        best_runs = {}
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
            if best is not None:
                best_runs[method] = (best[0], runs[(best[0], 1)][3])
            print(f"| {method} | " + " | ".join(cells) + f" | {bests} | {others} |")
        plot(name, best_runs)


def copy_grid(name):
    """Copy-task grid: final level per method and learning rate (seed 1) from every <run>/copy.md."""
    base = os.path.join(ROOT, name)
    table = defaultdict(dict)
    for run in sorted(os.listdir(base)):
        md = os.path.join(base, run, "copy.md")
        if not os.path.exists(md):
            continue
        settings, rows = read_page(md, "| method | final level")
        for cells in rows:
            table[cells[0]][(float(settings["lr"]), settings["seeds"])] = (cells[1], cells[3:6])
    lrs = sorted({lr for m in table.values() for lr in m})
    print(f"\n### {name}\n")
    print("| method | " + " | ".join(f"lr {lr:g}, seeds {seeds}" for lr, seeds in lrs) + " | best final L |")
    print("|---" * (len(lrs) + 2) + "|")
    for method, runs in table.items():
        cells = [runs[lr][0] if lr in runs else "" for lr in lrs]
        best = max((max(int(v) for v in runs[lr][0].split(",")), lr[0]) for lr in runs)
        print(f"| {method} | " + " | ".join(cells) + f" | **{best[0]}** at {best[1]:g} |")


if __name__ == "__main__":
    dirs = sys.argv[1:] or sorted(d for d in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, d)))
    main([d for d in dirs if d.startswith("charlm-")])
    for d in dirs:
        if d.startswith("copy-"):
            copy_grid(d)
