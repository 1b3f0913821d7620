import socket, time, json, random
def conn(name, host='127.0.0.1'):
    s = socket.create_connection((host, 54222)); s.recv(4096)
    s.sendall(('CONNECT '+json.dumps({"verbose":False,"pedantic":False,"name":name,"lang":"python","version":"0.1"})+'\r\n').encode())
    return s
subs=[conn('sub-%d'%i) for i in range(3)]
for i,s in enumerate(subs):
    s.sendall(b'SUB orders.* %d\r\nSUB metrics.> q1 %d\r\nPING\r\n'%(i+1,i+10))
p=conn('publisher')
for n in range(400):
    subj=random.choice(['orders.created','orders.paid','metrics.cpu.host1','metrics.mem'])
    body=json.dumps({"seq":n,"ok":True}).encode()
    p.sendall(b'PUB %s %d\r\n%s\r\n'%(subj.encode(),len(body),body))
    if n%50==0: p.sendall(b'PING\r\n'); time.sleep(0.05)
p.sendall(b'BOGUS\r\n')
time.sleep(0.5)
for s in subs+[p]: s.close()
