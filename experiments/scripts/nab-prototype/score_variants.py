"""Scores the seasonal-RLS prototype forecaster's residuals on NAB dev: one line per variant given as a dict of
scores() arguments, e.g. \"dict(mode='raw',refr=200,alarm=10)\"."""
import sys; import os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nabproto import *; from det import *
import pickle
fn='/tmp/nab-proto-preds.pkl'
if os.path.exists(fn): P=pickle.load(open(fn,'rb'))
else:
    P={rel:forecast(*data[rel])[0] for rel in data}; pickle.dump(P,open(fn,'wb'))
for a in sys.argv[1:]:
    kw=eval(a)
    S={rel:scores(data[rel][1],P[rel],**kw) for rel in data}
    r=nab(S,('standard','low_fp','low_fn')); print(kw, r, flush=True)
    if len(sys.argv)==2: perfile(S, r['standard'][1])
