"""The detector design the Java core now runs (AnomalyDetector and the forecaster's anomaly path), in Python: per
channel a plain RLS on [1, lags 1-3, seasonal lags (a missing one read as the nearest shorter one present, else the
last value), calendar]; surprise digits of its residual over an EW RMS; the likelihood stage; onset with a
refractory period; a level part capped at lcap; protection of runs of anomalous events (prot digits, from the
prun-th event of a run, at most pmax events)."""
import numpy as np, math
from fc import lags_for
from sc import q1,q2
def run(ts, v, lam=0.999, cap=2100, pv=100.0, a_s=0.01, refr=400, alarm=10.0, h=5.0, lik=5, lik_a=0.001,
        prot=None, pmax=0, lw=0, lstart=2000, lcap=0.6, warm=300, scale_prot=True, cal=True, prot_fc=True, prun=1):
    anom_run=0
    n,d=v.shape; L=lags_for(ts,cap); k=1+3+len(L)+(4 if (cal and ts is not None) else 0)
    unit=np.array([abs(v[np.nonzero(v[:,c])[0][0],c]) if np.any(v[:,c]!=0) else 1.0 for c in range(d)])
    u=v/unit; origin=np.sign(u[0]); origin[origin==0]=1
    P=[np.eye(k)*pv for _ in range(d)]; w=[np.zeros(k) for _ in range(d)]
    for c in range(d): w[c][1]=1.0
    sc2=np.full(d,np.nan); out=np.zeros(n); last=-10**9
    buf=[]; ms=0.0; vs=0.0; cnt=0; run_prot=0
    lm=u[0].copy(); lv=np.zeros(d); lc=0
    X=[None]*d
    for t in range(n):
        Lo=0.0; best=0.0; res=np.zeros(d)
        if t>=1:
            for c in range(d):
                x=[1.0]
                for i in range(3): x.append(u[max(t-1-i,0),c]-origin[c])
                for lag in L:
                    sh=[l for l in L if l<=lag and t-l>=0]
                    x.append((u[t-sh[-1],c] if sh else u[t-1,c])-origin[c])
                if k>1+3+len(L):
                    tt=ts[t]; sec=tt.hour*3600+tt.minute*60+tt.second; wd=tt.weekday()
                    a=2*math.pi*sec/86400; b=2*math.pi*((wd+3)%7*86400+sec)/604800
                    x+=[math.sin(a),math.cos(a),math.sin(b),math.cos(b)]
                X[c]=np.array(x); yh=w[c]@X[c]; r=(u[t,c]-origin[c])-yh; res[c]=r
                if np.isnan(sc2[c]): sc2[c]=r*r
                z=abs(r)/max(math.sqrt(sc2[c]),1e-9*(abs(u[t,c])+abs(yh))+1e-300)
                best=max(best,q2(z))
            Lo=max(0.0,best-math.log10(d))
        Lr=Lo
        if lik>0:
            buf.append(Lo)
            if len(buf)>lik: buf.pop(0)
            m=sum(buf)/len(buf); cnt+=1
            Ll=q1((m-ms)/(math.sqrt(vs)+1e-3)) if cnt>30 else 0.0
            aa=max(1.0/cnt,lik_a); dd=m-ms; ms+=aa*dd; vs=(1-aa)*(vs+aa*dd*dd)
            Lo=max(Lo,Ll)
        so=Lo/(Lo+h)
        if refr>0:
            if t-last<refr: so=min(so, alarm/(alarm+h)*0.999)
            elif Lo>=alarm: last=t
        sl=0.0
        if lw>0:
            if lc>=lstart:
                bl=max(q2(abs(u[t,c]-lm[c])/max(math.sqrt(lv[c]),1e-9*abs(lm[c])+1e-300)) for c in range(d))
                Lv=max(0.0,bl-math.log10(d)); sl=lcap*Lv/(Lv+h)
        anom_run = anom_run+1 if (prot is not None and Lo>=prot) else 0
        protected = prot is not None and t>=warm and anom_run>=prun and (pmax==0 or run_prot<pmax)
        run_prot = run_prot+1 if protected else 0
        if lw>0 and not protected:
            lc+=1; aa=max(1.0/lc,1.0/lw)
            for c in range(d):
                dd=u[t,c]-lm[c]; lm[c]+=aa*dd; lv[c]=(1-aa)*(lv[c]+aa*dd*dd)
        if t>=1 and not scale_prot:
            for c in range(d): sc2[c]=(1-a_s)*sc2[c]+a_s*res[c]*res[c]
        if t>=1 and not (protected and prot_fc):
            for c in range(d):
                e=res[c]; x=X[c]
                if scale_prot: sc2[c]=(1-a_s)*sc2[c]+a_s*e*e
                Px=P[c]@x; g=Px/(lam+x@Px); w[c]=w[c]+g*e; P[c]=(P[c]-np.outer(g,Px))/lam
                tr=np.trace(P[c])
                if tr>k*pv: P[c]*=k*pv/tr
        out[t]=max(so,sl)
    return out
