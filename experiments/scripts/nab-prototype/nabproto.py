"""NAB dev harness for prototyping anomaly scores: the 18 files, their windows and NAB's own Sweeper (MIT,
Copyright 2014-2024 Numenta Inc., from the shared NAB copy) for the three profiles, threshold optimised and
normalised as NAB does."""
import sys, json, csv, math, datetime, numpy as np
import os
SHARED = os.environ.get('SHARED', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../../shared'))
sys.path.insert(0, os.path.join(SHARED, 'tools/nab/NAB'))
from nab.sweeper import Sweeper
D=os.path.join(SHARED, 'data/nab-dev/')
W=json.load(open(D+'windows.json'))
EPOCH=datetime.datetime(1970,1,1)
data={}
for rel in sorted(W):
    r=list(csv.reader(open(D+rel)))[1:]
    ts=[datetime.datetime.strptime(a,'%Y-%m-%d %H:%M:%S') for a,_ in r]
    v=np.array([float(b) for _,b in r])
    data[rel]=(ts,v)
def windows(rel):
    return [(datetime.datetime.strptime(a[:19],'%Y-%m-%d %H:%M:%S'),datetime.datetime.strptime(b[:19],'%Y-%m-%d %H:%M:%S')) for a,b in W[rel]]
PROF={'standard':dict(tpWeight=1.0,fnWeight=1.0,fpWeight=0.11),'low_fp':dict(tpWeight=1.0,fnWeight=1.0,fpWeight=0.22),'low_fn':dict(tpWeight=1.0,fnWeight=2.0,fpWeight=0.11)}
def nab(scores, profiles=('standard',), perfile=False):
    out={}
    for p in profiles:
        sw=Sweeper(0.15, PROF[p]); allp=[]; nw=0
        for rel in sorted(W):
            ts,_=data[rel]; allp+=sw.calcSweepScore(ts, list(np.round(scores[rel],6)), windows(rel), rel); nw+=len(W[rel])
        res=sw.calcScoreByThreshold(allp)
        best=max(res,key=lambda r:r.score)
        null=-PROF[p]['fnWeight']*nw; perf=PROF[p]['tpWeight']*nw
        out[p]=(100*(best.score-null)/(perf-null), best.threshold, best.tp, best.fp)
    return out
def perfile(scores, thr, p='standard'):
    sw=Sweeper(0.15, PROF[p])
    for rel in sorted(W):
        ts,_=data[rel]; pts=sw.calcSweepScore(ts, list(np.round(scores[rel],6)), windows(rel), rel)
        pts=[x for x in pts if x.windowName!='probationary']
        fp=sum(1 for x in pts if x.windowName is None and x.anomalyScore>=thr)
        fps=sum(x.sweepScore for x in pts if x.windowName is None and x.anomalyScore>=thr)
        wins={}
        for x in pts:
            if x.windowName is not None and x.anomalyScore>=thr: wins[x.windowName]=max(wins.get(x.windowName,-9),x.sweepScore)
        print('%-60s win %d/%d tp %.2f fp %d (%.2f)'%(rel,len(wins),len(W[rel]),sum(wins.values()),fp,fps))
