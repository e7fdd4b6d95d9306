"""Rescores the anomaly parts DumpParts.java wrote (argv[1]) with other combination rules, given as dicts (argv[2:]):
scap (surprise capped), lik ('java' = the dumped likelihood, 'gauss' or 'gamma' recomputed from the surprise, likkw
its window W, horizon H, cap), ch (a sustained chart on the context path's residuals of context_chart.py, pickle in
CTX, with frac of the day and horizon H) and cmult (its digits' weight); NAB's sweeper, three profiles."""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nabproto import *
import pandas as pd, numpy as np
df=pd.read_csv(sys.argv[1],header=None,names='key i v score sur lik lev sus w'.split())
import pickle
CTX=pickle.load(open(os.environ.get('CTX','/tmp/ctxall.pkl'),'rb'))
def chart(rel, frac=0.25, H=2000, start=0, fracs=None):
    D,r=CTX[rel]; r=np.nan_to_num(r); n=len(r); best=np.zeros(n)
    fr=fracs or [frac]
    for f in fr:
        Wn=max(2,int(round(D*f))); c=pd.Series(r).ewm(alpha=1/Wn).mean().values
        mu=0; var=0; out=np.zeros(n)
        for t in range(n):
            if t>max(2*Wn,start): out[t]=max(0,-norm.logsf(abs(c[t]-mu)/(np.sqrt(var)+1e-12))/LN10-np.log10(2*len(fr)))
            a=max(1/(t+1),1/H); d=c[t]-mu; mu+=a*d; var=(1-a)*(var+a*d*d)
        best=np.maximum(best,out)
    return np.minimum(best,300)
CH={}
G={rel: df[df.key==rel[:-4]] for rel in W}
def dig(s): s=np.minimum(s,1-1e-12); return 5*s/(1-s)
from scipy.stats import gamma as GAM, norm
LN10=np.log(10)
def likelihood(S, kind, W=5, H=1000, start=30, sdfloor=0.03, kfloor=0.0, cap=1e9):
    S=np.minimum(S,cap)
    n=len(S); out=np.zeros(n); ring=np.zeros(W); mu=0.0; var=0.0
    for t in range(n):
        ring[t%W]=S[t]; m=ring[:min(t+1,W)].mean()
        if t>=start:
            if kind=='gauss':
                z=(m-mu)/(np.sqrt(var)+sdfloor); out[t]=-norm.logsf(z)/LN10 if z>0 else 0.0
            else:
                v=var+sdfloor**2
                k=max(mu*mu/v,kfloor); th=v/max(mu,1e-12)
                out[t]=max(0.0,-GAM.logsf(m,k,scale=th)/LN10) if m>mu else 0.0
        r=max(1.0/(t+1),1.0/H); d=m-mu; mu+=r*d; var=(1-r)*(var+r*d*d)
    return np.minimum(out,300)
def rescore(g, scap=1e9, lmult=1.0, alarm=10.0, refr=400, h=5.0, novN=0, novM=0.0, lik='java', likkw=None, ch=None, cmult=1.0):
    S=dig(g.sur.values)
    C=np.zeros(len(S))
    if ch is not None:
        key=(g.key.values[0],str(ch))
        if key not in CH: CH[key]=chart(g.key.values[0]+'.csv',**ch)
        C=CH[key]*cmult
    if novN>0:
        v=pd.Series(g.v.values); mx=v.rolling(novN,min_periods=1).max().shift(1).values; mn=v.rolling(novN,min_periods=1).min().shift(1).values
        rng=mx-mn; inside=(v.values<=mx+novM*rng)&(v.values>=mn-novM*rng)
        S=np.where(inside,np.minimum(S,scap),S)
    elif scap<1e9: S=np.minimum(S,scap)
    L=dig(g.lik.values)*lmult; lev=g.lev.values
    if lik!='java': L=likelihood(dig(g.sur.values), lik, **(likkw or {}))
    on=np.maximum(np.maximum(S,L),C); out=np.zeros(len(on)); last=-10**9; ceil=np.nextafter(alarm/(alarm+h),0)
    for t in range(len(on)):
        so=on[t]/(on[t]+h)
        if t-last<refr: so=min(so,ceil)
        elif on[t]>=alarm: last=t
        out[t]=max(so,lev[t])
    return out
for a in sys.argv[2:]:
    kw=eval(a); S={rel: rescore(G[rel],**kw) for rel in W}
    r=nab(S,('standard','low_fp','low_fn')); print(kw, {k:(round(v[0],2),round(v[1],4),v[2],v[3]) for k,v in r.items()}, flush=True)
