"""Scores forecasts (a pickle of make_forecasts.py, or an AnomalyEval --dump file) with sc.det variants given as
dicts; with one variant, also per file."""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import *; from sc import *
import pickle
D=pickle.load(open(sys.argv[1],"rb")) if sys.argv[1].endswith(".pkl") else load(sys.argv[1])
pf=len(sys.argv)==3
for a in sys.argv[2:]:
    kw=eval(a); print(kw, evaluate(D, det, pf=pf, **kw), flush=True)
