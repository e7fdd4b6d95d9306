import numpy as np, math
from math import erfc, sqrt, log10, log
LN10=log(10)
def q2(z):
    z=abs(z)
    if z<30: return -log10(max(erfc(z/sqrt(2)),1e-300))
    return (z*z/2)/LN10+log10(z*sqrt(math.pi/2))
def q1(z):
    if z<=0: return 0.0
    if z<30: return -log10(max(0.5*erfc(z/sqrt(2)),1e-300))
    return (z*z/2)/LN10+log10(z*sqrt(2*math.pi))

def det(v,loc,scale, smode='ew', a_s=0.01, refr=200, alarm=10.0, warm=300, h=5.0,
        lw=0, lcap=0.6, lstart=0, la=None, lik=0, lik_a=0.001, winsor=0, clip_rel=0.0, zero_warm=False, onset_cap=None):
    n,d=v.shape; out=np.zeros(n); last=-10**9
    sc2=np.full(d,np.nan); lm=v[0].copy(); lv=np.zeros(d); lc=0
    buf=[]; ms=0.0; vs=0.0; cnt=0
    for t in range(n):
        L=0.0
        if not np.isnan(loc[t,0]):
            best=0.0
            for c in range(d):
                r=v[t,c]-loc[t,c]
                if smode=='java': s=scale[t,c]
                else:
                    if np.isnan(sc2[c]): sc2[c]=r*r
                    s=sqrt(sc2[c])
                floor=1e-9*(abs(v[t,c])+abs(loc[t,c]))+1e-300
                if clip_rel>0: floor=max(floor, clip_rel*sqrt(lv[c]) if lc>30 else floor)
                z=abs(r)/max(s,floor)
                best=max(best,q2(z))
                if smode!='java':
                    rr=r*r
                    if winsor>0 and t>30: rr=min(rr,(winsor**2)*sc2[c])
                    sc2[c]=(1-a_s)*sc2[c]+a_s*rr
            L=max(0.0,best-log10(d))
        Lo=L
        if lik>0:
            buf.append(L)
            if len(buf)>lik: buf.pop(0)
            m=sum(buf)/len(buf); cnt+=1
            Ll=q1((m-ms)/(sqrt(vs)+1e-3)) if cnt>30 else 0.0
            a=max(1.0/cnt,lik_a); dd=m-ms; ms+=a*dd; vs=(1-a)*(vs+a*dd*dd)
            Lo=max(L,Ll)
        so=Lo/(Lo+h)
        if refr>0:
            if t-last<refr: so=min(so, alarm/(alarm+h)*0.999)
            elif Lo>=alarm: last=t
        if onset_cap is not None: so=min(so,onset_cap)
        sl=0.0
        if lw>0:
            if lc>=lstart:
                bl=0.0
                for c in range(d):
                    z=abs(v[t,c]-lm[c])/max(sqrt(lv[c]),1e-9*abs(lm[c])+1e-300)
                    bl=max(bl,q2(z))
                Lv=max(0.0,bl-log10(d))
                sl=lcap*Lv/(Lv+h)
            lc+=1; a=max(1.0/lc,1.0/lw)
            for c in range(d):
                dd=v[t,c]-lm[c]; lm[c]+=a*dd; lv[c]=(1-a)*(lv[c]+a*dd*dd)
        s=max(so,sl)
        out[t]=0.0 if (zero_warm and t<warm) else s
    return out
