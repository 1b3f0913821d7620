#!/usr/bin/env python3
"""Assemble raw captures into /work/reallogs-staging/<source>.log.
Per source: concatenate raw files in order; strip ANSI CSI/OSC escapes and \r;
drop empty lines, lines > 4096 bytes, lines matched by the source's drop filter;
keep at most 3 copies of an exact line; sample evenly down to CAP lines."""
import re, sys, os, glob, gzip, lzma
OUT = '/work/reallogs-staging'
CAP = int(os.environ.get('CAP', '6000'))
ANSI = re.compile(rb'\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]')
R = os.environ.get('RAW', '/tmp/rl')  # raw captures (not kept in this directory)
SOURCES = {
  'postgresql': [f'{R}/pg/server.log', '/var/log/postgresql/postgresql-15-main.log'],
  'prometheus': [f'{R}/prom/prom.log'],
  'chromium':   [f'{R}/chr/chr1.log', f'{R}/chr/chr2.log'],
  'go-build':   [f'{R}/gob/build.log'],
  'go-test':    [f'{R}/gob/test.out', f'{R}/gob/test.err', f'{R}/gob/test2.out', f'{R}/gob/test2.err'],
  'go-gctrace': [f'{R}/gob/build.log', f'{R}/gob/test.out', f'{R}/gob/test.err', f'{R}/gob/test2.out', f'{R}/gob/test2.err'],
  'dpkg':       ['/var/log/dpkg.log'],
  'apt':        ['/var/log/apt/history.log', '/var/log/apt/term.log'],
  'update-alternatives': ['/var/log/alternatives.log'],
  'kernel':     [f'{R}/raw/dmesg.log'],
  'jvm-gc':     [f'{R}/jvm/gc-g1.log', f'{R}/jvm/gc-par.log'],
  'jvm-classload': [f'{R}/jvm/cl.log'],
  'maven':      [f'{R}/mvn/mvn-offline.log', f'{R}/mvn/mvn-online.log', f'{R}/mvn/mvn-help.log'],
  'mariadb':    ['/var/log/mysql/error.log', f'{R}/my/install.log', f'{R}/my/error.log', f'{R}/my/general.log'],
  'mariadb-slow': [f'{R}/my/slow.log'],
  'redis':      ['/var/log/redis/ci.log', f'{R}/redis/redis.log'],
  'rabbitmq':   ['/var/log/rabbitmq/rabbit@localhost.log'],
  'nats':       ['/var/log/nats-server.log', f'{R}/nats/nats.log'],
  'mosquitto':  [f'{R}/raw/mosquitto-system.log', f'{R}/mosq/mosquitto.log'],
  'sshd':       [f'{R}/sshd/sshd.log'],
  'nginx-access': [f'{R}/nginx/access.log'],
  'nginx-error':  [f'{R}/nginx/error.log'],
  'git-trace':  [f'{R}/git/trace.log', f'{R}/git/packet.log', f'{R}/git/trace2.log'],
  'npm':        [f'{R}/npm/install.log', f'{R}/npm/view.log', f'{R}/npm/fail.log', f'{R}/npm/ls.log', f'{R}/npm/install2.log'],
  'cargo':      [f'{R}/cargo/build.log', f'{R}/cargo/log.log'],
  'valgrind':   [f'{R}/vg/vg1.log', f'{R}/vg/vg2.log', f'{R}/vg/vg3.log', f'{R}/vg/vg4.log'],
  'timetracker': [f'{R}/tt/logs/app.jsonl'],
}
GCLINE = re.compile(rb'^gc \d+ @|^scvg|^GC forced')
def keep_filter(src, line):
    if src == 'go-gctrace':
        return bool(GCLINE.match(line))
    if src in ('go-build', 'go-test') and GCLINE.match(line):
        return False
    # lines carrying a password in SQL text (scratch passwords we set)
    if re.search(rb"(?i)\bpassword\s+'|identified\s+by\s+'|PASSWORD\s*\(", line):
        return False
    # chromium: API keys / OAuth client secrets (Debian wrapper environment and built-in defaults)
    if src == 'chromium' and b'google_apis/api_key_cache.cc' in line:
        return False
    return True
def load(path):
    if not os.path.exists(path):
        print('missing', path, file=sys.stderr); return []
    data = open(path, 'rb').read()
    data = ANSI.sub(b'', data).replace(b'\r', b'')
    return data.split(b'\n')
def main():
    only = sys.argv[1:]
    for src, files in SOURCES.items():
        if only and src not in only: continue
        lines, seen = [], {}
        dropped = {'empty':0,'long':0,'dup':0,'filter':0}
        for f in files:
            for ln in load(f):
                if not ln.strip(): dropped['empty'] += 1; continue
                if len(ln) > 4096: dropped['long'] += 1; continue
                if not keep_filter(src, ln): dropped['filter'] += 1; continue
                c = seen.get(ln, 0)
                if c >= 3: dropped['dup'] += 1; continue
                seen[ln] = c + 1
                lines.append(ln)
        n = len(lines)
        if n > CAP:
            lines = [lines[(i * n) // CAP] for i in range(CAP)]
        with open(f'{OUT}/{src}.log', 'wb') as fh:
            fh.write(b'\n'.join(lines) + b'\n')
        print(f'{src}\traw_kept={n}\tout={len(lines)}\t{dropped}')
main()
