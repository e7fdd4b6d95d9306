#!/usr/bin/env python3
"""Exports the spec's section-F toy problem (make_problem of the numpy reference) as plain-text fixtures.

Run from the repository root:
    python3 core/src/test/resources/oracle/export_toy.py /work/shared/tools/ref_ok.py

Writes toy_seed0.txt and toy_seed1.txt next to this script. Format (whitespace separated, '#' comments):
    n n_in m T
    W   (n rows of m values, row-major, W acts on a = [h; x; 1])
    xs  (T rows of n_in values)
    cs  (T rows of n values; loss l_t = c_t . h_{t+1})
    Gnorm (||G_T||_F from the reference, for cross-checking)
Values are printed with repr() so they round-trip bit-exactly into Java's Double.parseDouble.
"""
import importlib.util
import os
import sys

import numpy as np

ref_path = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/tools/ref_ok.py'
spec = importlib.util.spec_from_file_location('ref_ok', ref_path)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

out_dir = os.path.dirname(os.path.abspath(__file__))
for seed in (0, 1):
    W, xs, cs, h0 = ref.make_problem(seed=seed)
    n, m = W.shape
    T, n_in = xs.shape
    steps = ref.forward(W, xs, h0)
    G = ref.exact_rtrl(steps, n, n, m)[-1]
    with open(os.path.join(out_dir, f'toy_seed{seed}.txt'), 'w') as f:
        f.write(f'# spec F toy problem, ref_ok.make_problem(seed={seed}); see export_toy.py\n')
        f.write(f'{n} {n_in} {m} {T}\n')
        f.write('# W\n')
        for row in W:
            f.write(' '.join(repr(float(v)) for v in row) + '\n')
        f.write('# xs\n')
        for row in xs:
            f.write(' '.join(repr(float(v)) for v in row) + '\n')
        f.write('# cs\n')
        for row in cs:
            f.write(' '.join(repr(float(v)) for v in row) + '\n')
        f.write('# Gnorm\n')
        f.write(repr(float(np.linalg.norm(G))) + '\n')
