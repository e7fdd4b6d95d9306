import numpy as np, math
from math import erfc, sqrt, log10
def q2(z):  # two-sided tail -log10
    z=abs(z)
    if z<30: return -log10(max(erfc(z/sqrt(2)),1e-300))
    return (z*z/2)/math.log(10)+log10(z*sqrt(math.pi/2))
def q1(z):
    if z<=0: return 0.0
    if z<30: return -log10(max(0.5*erfc(z/sqrt(2)),1e-300))
    return (z*z/2)/math.log(10)+log10(z*sqrt(2*math.pi))

def forecast(ts, v, lam=0.999, cap=2100):
    n=len(v); gaps=[(ts[i+1]-ts[i]).total_seconds() for i in range(min(n-1,32))]
    cad=float(np.median(gaps)); day=int(round(86400/cad)); week=int(round(604800/cad))
    lags=[1,2,3]
    for L in [day,2*day,week-1,week,week+1]:
        if L<=cap and L>3: lags.append(L)
    lags=sorted(set(lags))
    k=len(lags)+1
    P=np.eye(k)*1e3; w=np.zeros(k)
    nz=v[v!=0]; s0=abs(nz[0]) if len(nz) else 1.0
    mu=0; sd=s0
    pred=np.full(n,np.nan)
    for t in range(n):
        if t>=1:
            x=np.array([1.0]+[((v[t-L]-mu)/sd if t-L>=0 else (v[t-1]-mu)/sd) for L in lags])
            yhat=w@x
            pred[t]=mu+sd*yhat
            y=(v[t]-mu)/sd
            e=y-yhat
            Px=P@x; g=Px/(lam+x@Px); w=w+g*e; P=(P-np.outer(g,Px))/lam
    return pred, lags

def scores(v, pred, short=10, alpha_s=0.01, alpha_l=0.001, refr=0, mode='lik', level_cap=0.0, warm=300, alarm=2.0):
    n=len(v); out=np.zeros(n)
    sc2=None; ms=0; vs=0; cnt=0; buf=[]; last_alarm=-10**9
    lm=v[0]; lv=0.0; lc=0
    for t in range(n):
        s=0.0
        if not np.isnan(pred[t]):
            r=v[t]-pred[t]
            if sc2 is None: sc2=r*r+1e-300
            z=abs(r)/ (sqrt(sc2)+1e-12*abs(v[t])+1e-300)
            s=q2(z)
            sc2=(1-alpha_s)*sc2+alpha_s*r*r
        buf.append(s);
        if len(buf)>short: buf.pop(0)
        m=sum(buf)/len(buf)
        cnt+=1
        if mode=='lik':
            sd=sqrt(vs)+1e-3
            L=q1((m-ms)/sd) if cnt>30 else 0.0
        else:
            L=s
        a=max(1.0/cnt,alpha_l); d=m-ms; ms+=a*d; vs=(1-a)*(vs+a*d*d)
        sc=L/(L+5.0)
        if refr>0:
            if t-last_alarm<refr: sc=min(sc, alarm/(alarm+5.0)*0.999)
            elif L>=alarm: last_alarm=t
        # level
        if level_cap>0:
            lz=abs(v[t]-lm)/(sqrt(lv)+1e-12*abs(lm)+1e-300)
            Lv=q2(lz) if lc>30 else 0
            sc=max(sc, level_cap*Lv/(Lv+5))
            lc+=1; a=max(1.0/lc,0.001); d=v[t]-lm; lm+=a*d; lv=(1-a)*(lv+a*d*d)
        out[t]=sc if t>=warm else 0.0
    return out

import bisect
def scores_emp(v, pred, alpha_s=0.01, refr=200, alarm=3.0, warm=300, short=1, hist=0, tailfit=True, stat='z'):
    n=len(v); out=np.zeros(n); sc2=None; H=[]; last=-10**9; buf=[]
    for t in range(n):
        L=0.0
        if not np.isnan(pred[t]):
            r=v[t]-pred[t]
            if sc2 is None: sc2=r*r+1e-300
            z=abs(r)/(sqrt(sc2)+1e-12*abs(v[t])+1e-300)
            sc2=(1-alpha_s)*sc2+alpha_s*r*r
            buf.append(z)
            if len(buf)>short: buf.pop(0)
            m=sum(buf)/len(buf)
            N=len(H)
            if N>=50:
                k=N-bisect.bisect_left(H,m)
                if k>0: L=-log10(k/(N+1))
                else:
                    # exponential tail beyond max: use top 5% mean excess
                    top=H[int(N*0.95):]; thr=top[0]; me=max(np.mean(top)-thr,1e-12)
                    L=log10(N+1)+ (m-H[-1])/me/math.log(10) + log10(max(1,len(top)))*0
            bisect.insort(H,m)
            if hist and len(H)>hist: pass
        sc=L/(L+5.0)
        if refr>0:
            if t-last<refr: sc=min(sc, alarm/(alarm+5.0)*0.999)
            elif L>=alarm: last=t
        out[t]=sc if t>=warm else 0.0
    return out

def combo(v, pred, refr=200, alarm=10, wins=(1,10), alpha_s=0.01, alpha_l=0.003, warm=300, ls=None):
    n=len(v); out=np.zeros(n); sc2=None; last=-10**9
    S=np.zeros(n)
    for t in range(n):
        if not np.isnan(pred[t]):
            r=v[t]-pred[t]
            if sc2 is None: sc2=r*r+1e-300
            z=abs(r)/(sqrt(sc2)+1e-12*abs(v[t])+1e-300)
            S[t]=q2(z)
            sc2=(1-alpha_s)*sc2+alpha_s*r*r
    comps=[]
    for w in wins:
        if w==1: comps.append(S.copy()); continue
        m=np.convolve(S,np.ones(w)/w)[:n]
        Lk=np.zeros(n); mu=0; var=0; c=0
        for t in range(n):
            c+=1
            sd=sqrt(var)+1e-3
            Lk[t]=q1((m[t]-mu)/sd) if c>30 else 0
            a=max(1.0/c,alpha_l); d=m[t]-mu; mu+=a*d; var=(1-a)*(var+a*d*d)
        comps.append(Lk)
    L=np.max(np.array(comps),axis=0)
    if ls is not None: ls.append(comps)
    for t in range(n):
        sc=L[t]/(L[t]+5.0)
        if refr>0:
            if t-last<refr: sc=min(sc, alarm/(alarm+5.0)*0.999)
            elif L[t]>=alarm: last=t
        out[t]=sc if t>=warm else 0.0
    return out

def zs(v,pred,alpha_s=0.01):
    n=len(v); Z=np.full(n,np.nan); sc2=None
    for t in range(n):
        if not np.isnan(pred[t]):
            r=v[t]-pred[t]
            if sc2 is None: sc2=r*r+1e-300
            Z[t]=abs(r)/(sqrt(sc2)+1e-12*abs(v[t])+1e-300)
            sc2=(1-alpha_s)*sc2+alpha_s*r*r
    return Z

def evt(v, pred, q=0.98, refr=200, alarm=6, warm=300, refit=20, alpha_s=0.01, minN=100, short=1):
    n=len(v); Z=zs(v,pred,alpha_s)
    if short>1:
        Zf=np.nan_to_num(Z); Z=np.convolve(Zf,np.ones(short)/short)[:n]
    out=np.zeros(n); L=np.zeros(n); last=-10**9
    par=None
    for t in range(n):
        z=Z[t]
        if np.isnan(z): continue
        if t%refit==0:
            h=Z[:t]; h=h[~np.isnan(h)]
            if len(h)>=minN:
                th=np.quantile(h,q); y=h[h>th]-th
                if len(y)>=5:
                    m=y.mean(); s2=y.var()+1e-300
                    xi=0.5*(1-m*m/s2); sg=0.5*m*(m*m/s2+1)
                    par=(th,xi,max(sg,1e-300),len(y)/len(h))
        if par is None: continue
        th,xi,sg,pt=par
        if z<=th:
            # empirical-ish: tail below threshold, approx via rank not needed: small L
            L[t]=-log10(min(1.0, pt + (1-pt)*0.5)) if False else 0.0
        else:
            u=(z-th)/sg
            if abs(xi)<1e-6: lp=-u/math.log(10)
            else:
                base=1+xi*u
                lp=(-1/xi)*log10(base) if base>0 else -300
            L[t]=-(log10(pt)+lp)
    for t in range(n):
        sc=L[t]/(L[t]+5.0)
        if refr>0:
            if t-last<refr: sc=min(sc, alarm/(alarm+5.0)*0.999)
            elif L[t]>=alarm: last=t
        out[t]=sc if t>=warm else 0.0
    return out

def forecast2(ts, v, lam=0.999, cap=2100, k=4.0, alpha_s=0.01, clean=True, fallback=True):
    n=len(v); gaps=[(ts[i+1]-ts[i]).total_seconds() for i in range(min(n-1,32))]
    cad=float(np.median(gaps)); day=int(round(86400/cad)); week=int(round(604800/cad))
    lags=[1,2,3]
    seas=[L for L in [day,2*day,week-1,week,week+1] if L<=cap and L>3]
    lags=lags+seas
    kk=len(lags)+1
    P=np.eye(kk)*1e3; w=np.zeros(kk)
    nz=v[v!=0]; sd=abs(nz[0]) if len(nz) else 1.0
    c=np.array(v,dtype=float)  # cleaned history
    pred=np.full(n,np.nan); sc2=None
    def lagval(t,L):
        if t-L>=0: return c[t-L]
        if fallback:
            for L2 in sorted([x for x in lags if x<L],reverse=True):
                if t-L2>=0 and L2>3: return c[t-L2]
        return c[t-1]
    for t in range(n):
        if t>=1:
            x=np.array([1.0]+[lagval(t,L)/sd for L in lags])
            yhat=w@x; pred[t]=sd*yhat
            r=v[t]-pred[t]
            if sc2 is None: sc2=r*r+1e-300
            s=sqrt(sc2)+1e-12*abs(v[t])+1e-300
            e=(v[t]/sd)-yhat
            # huber weight
            hw=1.0 if abs(r)<=k*s else k*s/abs(r)
            if clean and abs(r)>k*s: c[t]=pred[t]+np.sign(r)*k*s
            Px=P@x; g=Px/(lam/hw+x@Px); w=w+g*e; P=(P-np.outer(g,Px))/lam
            sc2=(1-alpha_s)*sc2+alpha_s*min(r*r,(k*s)**2*4)
    return pred
