"""Scores the coupled prototype (coupled.run: seasonal RLS anomaly path, onset with refractory period, capped level,
run-based protection) on NAB dev (NAB's own sweeper) and the sensors (ROC/PR AUC). First argument 1 to score NAB
too, 0 for the sensors only; then one dict of coupled.run arguments per variant."""
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import *; import coupled as cp
sens={}
for r in csv.DictReader(open(os.path.join(SHARED,'data/sensors/suthaharan-single-hop.csv'))):
    sens.setdefault(r['mote_id'],[]).append([float(r['humidity']),float(r['temperature'])])
def ev(kw, pf=False, nabon=True):
    res={}
    if nabon:
        S={k:cp.run(data[k][0],data[k][1][:,None],**kw) for k in data}
        r=nab(S,('standard','low_fp','low_fn')); res['nab']={q:round(r[q][0],2) for q in r}; res['tpfp']=r['standard'][1:]
        if pf: perfile(S,r['standard'][1])
    a=[];p=[]
    for m in sorted(sens): a.append(cp.run(None,np.array(sens[m]),**kw)); p.append(LAB[m])
    a=np.concatenate(a);p=np.concatenate(p); res['auc']=round(auc(a,p),4); res['ap']=round(ap(a,p),4)
    print(kw,res,flush=True)
nabon = sys.argv[1]=='1'
for a in sys.argv[2:]: ev(eval(a), len(sys.argv)==3, nabon)
