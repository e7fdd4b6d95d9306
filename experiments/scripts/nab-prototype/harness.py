"""Shared helpers: NAB dev (from nabproto), the sensors' labels, ROC AUC and average precision, and a loader of the
per-event forecasts AnomalyEval writes with --dump (key, index, score, then value, location, scale per channel)."""
import sys, os, math, numpy as np, csv
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nabproto import nab, perfile, data, W, SHARED
def load(fn):
    rows={}
    for line in open(fn):
        p=line.rstrip().split(',')
        rows.setdefault(p[0],[]).append([float(x) for x in p[2:]])
    out={}
    for k,r in rows.items():
        a=np.array(r); s=a[:,0]; rest=a[:,1:]; d=rest.shape[1]//3
        out[k]=(s, rest[:,0::3], rest[:,1::3], rest[:,2::3])  # javascore, v, loc, scale
    return out
def sensor_labels():
    lab={}
    for r in csv.DictReader(open(os.path.join(SHARED,'data/sensors/suthaharan-single-hop.csv'))):
        lab.setdefault(r['mote_id'],[]).append(r['label'].strip()!='0')
    return {k:np.array(v) for k,v in lab.items()}
LAB=sensor_labels()
def auc(sc,pos):
    from scipy.stats import rankdata
    r=rankdata(sc); n1=pos.sum(); n0=len(pos)-n1
    return (r[pos].sum()-n1*(n1+1)/2)/(n1*n0)
def ap(sc,pos):
    o=np.argsort(-sc,kind='stable'); p=pos[o]; tp=np.cumsum(p); 
    # tie handling ignored
    prec=tp/np.arange(1,len(p)+1); return (prec*p).sum()/p.sum()
def evaluate(D, fn, profiles=('standard','low_fp','low_fn'), pf=False, **kw):
    S={}
    for k in data:
        key=k[:-4]; js,v,loc,sc=D[key]
        S[k]=fn(v,loc,sc,**kw)
    r=nab(S,profiles)
    scs=[];poss=[]
    for k in sorted(LAB):
        js,v,loc,sc=D[k]; scs.append(fn(v,loc,sc,**kw)); poss.append(LAB[k])
    a=np.concatenate(scs); p=np.concatenate(poss)
    res=dict(nab={q:round(r[q][0],2) for q in r}, thr=r['standard'][1], tpfp=r['standard'][2:], auc=round(auc(a,p),4), ap=round(ap(a,p),4))
    if pf: perfile(S, r['standard'][1])
    return res
