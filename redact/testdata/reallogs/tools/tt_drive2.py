import json, urllib.request, http.cookiejar, random, time
B='http://127.0.0.1:58081'
random.seed(7)
def mk():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
def req(op, method, path, body=None, tok=None, hdr=None, raw=None):
    h={'Content-Type':'application/json','User-Agent':random.choice(['tt-drive/0.1','curl/7.88.1','Mozilla/5.0 (X11; Linux x86_64) Chromium/156'])}
    if tok: h['Authorization']='Bearer '+tok
    if hdr: h.update(hdr)
    d=raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    r=urllib.request.Request(B+path, data=d, method=method, headers=h)
    try:
        with op.open(r) as resp:
            t=resp.read()
            return resp.status, (json.loads(t) if t and 'json' in resp.headers.get('Content-Type','') else t)
    except urllib.error.HTTPError as e:
        return e.code, None
    except Exception as e:
        return 0, str(e)
names=['alice','bob','carol','dave','erin','frank','grace','heidi']
users=[]
for i,n in enumerate(names):
    em='%s.%d@example.com'%(n,i); pw='pw-%s-correct-horse'%n
    op=mk()
    s,b=req(op,'POST','/api/v1/sessions',{'email':em,'password':pw})
    csrf=b['csrf_token']
    s,t=req(op,'POST','/api/v1/tokens',{'name':'cli-'+n},hdr={'X-CSRF-Token':csrf})
    users.append((op,csrf,t.get('token') if isinstance(t,dict) else None, em, pw))
    print(n,s)
for rnd in range(int(__import__('sys').argv[1])):
    op,csrf,tok,em,pw=random.choice(users)
    o=urllib.request.build_opener()
    s,c=req(o,'POST','/api/v1/clients',{'name':'Client %d'%random.randint(1,99)},tok=tok)
    cid=c['id'] if s==201 else None
    s,p=req(o,'POST','/api/v1/projects',{'name':'Proj %d'%rnd,'client_id':cid,'billable':rnd%2==0},tok=tok)
    pid=p['id'] if s==201 else 1
    s,tk=req(o,'POST','/api/v1/tasks',{'project_id':pid,'name':'task %d'%rnd},tok=tok)
    req(o,'POST','/api/v1/timer/start',{'project_id':pid,'notes':'working on #%d'%rnd},tok=tok)
    req(o,'GET','/api/v1/timer',tok=tok)
    req(o,'POST','/api/v1/timer/stop',{},tok=tok)
    req(o,'POST','/api/v1/entries',{'project_id':pid,'start':'2026-11-2%dT09:00:00Z'%(rnd%9),'end':'2026-11-2%dT10:30:00Z'%(rnd%9),'notes':'n','billable':True},tok=tok)
    req(o,'GET','/api/v1/entries?from=2026-11-01&to=2026-12-01',tok=tok)
    req(o,'GET','/api/v1/reports/summary?from=2026-11-01&to=2026-12-01&group=project',tok=tok)
    req(o,'GET','/api/v1/reports/entries.csv',tok=tok)
    req(o,'GET','/api/v1/projects/%d'%random.randint(1,500),tok=tok)
    req(o,'PATCH','/api/v1/projects/%d'%pid,{'archived':True},tok=tok)
    req(o,'DELETE','/api/v1/tasks/%d'%random.randint(1,300),tok=tok)
    r=rnd%10
    if r==0: req(o,'GET','/api/v1/me',tok='tt_bogus_'+str(rnd))
    if r==1: req(o,'POST','/api/v1/sessions',{'email':em,'password':'nope'})
    if r==2: req(o,'GET','/api/v1/me/export',tok=tok)
    if r==3: req(o,'POST','/api/v1/entries',raw=b'{not json',tok=tok)
    if r==4: req(o,'GET','/nope/%d'%rnd)
    if r==5: req(o,'POST','/api/v1/admin/test-error',{},tok=tok)
    if r==6: req(op,'PATCH','/api/v1/me',{'name':'N%d'%rnd},hdr={'X-CSRF-Token':csrf})
    if r==7: req(op,'PATCH','/api/v1/me',{'name':'N%d'%rnd})
    if r==8: req(o,'GET','/metrics')
    if r==9: req(o,'POST','/api/v1/users',{'email':'not-an-email','password':'x'})
    req(o,'GET','/readyz')
