"""Writes fc.forecast's one-step forecasts for NAB dev and the sensors to a pickle (argument 1), with the forecaster
variant given as a dict (argument 2), e.g. "dict(fallback='short')"; score them with score_forecasts.py."""
import sys, os, pickle; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import *; from fc import *
kw=eval(sys.argv[2]) if len(sys.argv)>2 else {}
D={}
for k in data:
    ts,v=data[k]; p=forecast(ts,v[:,None],**kw); D[k[:-4]]=(None,v[:,None],p,None)
sens={}
for r in csv.DictReader(open(os.path.join(SHARED,'data/sensors/suthaharan-single-hop.csv'))):
    sens.setdefault(r['mote_id'],[]).append([float(r['humidity']),float(r['temperature'])])
for m,rows in sens.items():
    v=np.array(rows); p=forecast(None,v,**kw); D[m]=(None,v,p,None)
pickle.dump(D,open(sys.argv[1],'wb'))
