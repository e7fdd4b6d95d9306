import numpy as np, math, datetime
def lags_for(ts, cap=2100):
    if ts is None: return []
    gaps=[(ts[i+1]-ts[i]).total_seconds() for i in range(min(len(ts)-1,9))]
    gaps=[g for g in gaps if g>0]; cad=sorted(gaps)[len(gaps)//2]
    day=int(round(86400/cad)); week=7*day
    if week+1<=cap: return [day,2*day,week-1,week,week+1]
    if 2*day<=cap: return [day,2*day]
    return []
def forecast(ts, v, lam=0.999, cap=2100, pv=100.0, clean=0.0, a_s=0.01, fallback='mean', cal=True):
    """per channel plain RLS on [1, lags1..3, seasonal lags, calendar]; v [n,d]. clean>0: seasonal history stores
    forecast +- clean*scale when the residual exceeds clean scales."""
    n,d=v.shape; L=lags_for(ts,cap); k=1+3+len(L)+(4 if (cal and ts is not None) else 0)
    unit=np.array([abs(v[np.nonzero(v[:,c])[0][0],c]) if np.any(v[:,c]!=0) else 1.0 for c in range(d)])
    u=v/unit; origin=np.sign(u[0]); origin[origin==0]=1
    hist=u.copy()
    P=[np.eye(k)*pv for _ in range(d)]; w=[np.zeros(k) for _ in range(d)]
    for c in range(d): w[c][1]=1.0
    pred=np.full((n,d),np.nan); mean=np.zeros(d); sc2=np.full(d,np.nan)
    for t in range(1,n):
        for c in range(d):
            x=[1.0]
            for i in range(3): x.append(u[max(t-1-i,0),c]-origin[c])
            for lag in L:
                if t-lag>=0: x.append(hist[t-lag,c]-origin[c])
                elif fallback=='mean': x.append(mean[c]-origin[c])
                else:
                    sh=[l for l in L if l<lag and t-l>=0]
                    x.append((hist[t-sh[-1],c] if sh else u[t-1,c])-origin[c])
            if k>1+3+len(L):
                tt=ts[t]; sec=tt.hour*3600+tt.minute*60+tt.second; wd=tt.weekday()
                a=2*math.pi*sec/86400; b=2*math.pi*((wd+3)%7*86400+sec)/604800  # epoch Thursday
                x+= [math.sin(a),math.cos(a),math.sin(b),math.cos(b)]
            x=np.array(x); y=u[t,c]-origin[c]
            yh=w[c]@x; pred[t,c]=(yh+origin[c])*unit[c]
            e=y-yh
            if np.isnan(sc2[c]): sc2[c]=e*e
            if clean>0 and abs(e)>clean*math.sqrt(sc2[c]) and t>300:
                hist[t,c]=yh+origin[c]+np.sign(e)*clean*math.sqrt(sc2[c])
            sc2[c]=(1-a_s)*sc2[c]+a_s*e*e
            Px=P[c]@x; g=Px/(lam+x@Px); w[c]=w[c]+g*e; P[c]=(P[c]-np.outer(g,Px))/lam
            tr=np.trace(P[c]); 
            if tr>k*pv: P[c]*=k*pv/tr
        mean=mean+(u[t]-mean)/(t+1) if t>0 else u[t]
    return pred
