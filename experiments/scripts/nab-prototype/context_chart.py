"""The context path in Python (a plain RLS per file on 1, the seasonal lags D, 2D, 7D-1, 7D, 7D+1 read as the nearest
shorter lag present, calendar sin/cos; D = events per day from the first gaps), its residuals pickled to argv[1]
for rescore_parts.py (no protection)."""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nabproto import data, W
import numpy as np, pickle, math
def ctx_resid(ts, v, D, lam=0.999, short=False):
    L=[D,2*D,7*D-1,7*D,7*D+1]; n=len(v); k=1+len(L)+4+(3 if short else 0)
    P=np.eye(k)*100; w=np.zeros(k); res=np.full(n,np.nan)
    u=v/abs(v[np.nonzero(v)[0][0]])
    for t in range(1,n):
        x=[1.0]
        if short: x+= [u[t-1-i] if t-1-i>=0 else u[0] for i in range(3)]
        for lag in L:
            sh=[l for l in L if l<=lag and t-l>=0]
            x.append(u[t-sh[-1]] if sh else u[t-1])
        tt=ts[t]; sec=tt.hour*3600+tt.minute*60; wd=tt.weekday()
        a=2*math.pi*sec/86400; b=2*math.pi*((wd+3)%7*86400+sec)/604800
        x+=[math.sin(a),math.cos(a),math.sin(b),math.cos(b)]; x=np.array(x)
        e=u[t]-w@x; res[t]=e
        Px=P@x; g=Px/(lam+x@Px); w=w+g*e; P=(P-np.outer(g,Px))/lam
    return res

out={}
for rel in sorted(W):
    ts,v=data[rel]; gaps=np.diff([t.timestamp() for t in ts[:10]]); cad=np.median(gaps); D=int(round(86400/cad))
    if 7*D+1>2100: D=D  # same lags regardless (python, no memory bound)
    out[rel]=(D, ctx_resid(ts,v,D))
    print(rel, D, flush=True)
pickle.dump(out, open(sys.argv[1],'wb'))
