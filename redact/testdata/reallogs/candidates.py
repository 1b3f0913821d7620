#!/usr/bin/env python3
"""List every candidate for a sensitive span in /work/reallogs-staging/*.log,
propose a decision for each, apply the hand-review decisions in OVERRIDES,
and write:
  candidates.tsv  every candidate: file, line, class, span, decision, reason, context
  labels.tsv      the accepted spans: file, line, marker, span
Run:  python3 candidates.py            (from any directory; needs `go` for net/netip)
      python3 candidates.py --summary  (also print unique candidates per class for review)

Candidate classes (deliberately broad; the decisions narrow them):
  at        every word containing '@'
  ipv4      every d.d.d.d run (and every longer dotted-digit run, as 'dotted')
  ipv6      every run of hex digits, ':' and '.' with at least two ':' (plus %zone)
  digits    every run of 9-19 digits; card-like groups; phone-like; SSN-like; IBAN-like
  kv        key=value / key: value where the key mentions pass/pwd/secret/token/key/auth/credential/cookie/session
  bearer    'Bearer <x>' ; jwt 'eyJ...' ; pem '-----BEGIN ...' ; vendor prefixes (ghp_, sk_live_, AKIA, xoxb-, AIza, ...)
  userinfo  scheme://userinfo@
"""
import os, re, sys, subprocess, glob, collections

DIR = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- scanning
EMAIL = re.compile(r'[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])')
ATWORD = re.compile(r'[^\s"\'<>()\[\]{},;=`]*@[^\s"\'<>()\[\]{},;`]*')
V4 = re.compile(r'(?<![0-9.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)')
DOTTED = re.compile(r'(?<![0-9.])\d+(?:\.\d+){3,}(?![0-9])')
V6RUN = re.compile(r'[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[0-9A-Za-z_\-]+)?')
DIG = re.compile(r'(?<![0-9])\d{9,19}(?![0-9])')
CARDLIKE = re.compile(r'(?<![0-9])\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,4})?(?![0-9])')
PHONE = re.compile(r'(?<![\w+])\+\d{1,3}[ \-(]*\d[\d \-()]{6,}\d')
SSN = re.compile(r'(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])')
IBAN = re.compile(r'\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}[A-Z0-9]{0,3}\b')
KV = re.compile(r'(?i)([\w.\-]*(?:pass|pwd|secret|token|key|auth|credential|cookie|session)[\w.\-]*)(\\?"?\s*[=:]\s*\\?"?)([^\s",;&)\]}\\]*)')
BEARER = re.compile(r'(?i)\bbearer\s+([^\s",;]+)')
JWT = re.compile(r'eyJ[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]*){0,2}')
PEM = re.compile(r'-----BEGIN [A-Z ]+-----')
VENDOR = re.compile(r'(?<![A-Za-z0-9])(?:ghp_|gho_|ghs_|ghu_|github_pat_|sk_live_|sk_test_|rk_live_|pk_live_|AKIA|ASIA|xox[abprs]-|AIza|glpat-|npm_|hf_|SG\.)[A-Za-z0-9_\-.]{8,}')
USERINFO = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*://([^/\s@"\']+)@')

def ctx(line, a, b, w=50):
    return line[max(0, a - w):b + w].replace('\t', ' ')

def scan_line(line):
    """Yield (class, start, end, proposal, reason)."""
    out = []
    # '@' words
    for m in ATWORD.finditer(line):
        w = m.group(0)
        e = EMAIL.search(w)
        if e:
            out.append(('at', m.start() + e.start(), m.start() + e.end(), '[email]', 'local@domain.tld'))
        else:
            out.append(('at', m.start(), m.end(), 'REJECT', 'no domain.tld after @'))
    # IPv6 runs
    v6spans = []
    for m in V6RUN.finditer(line):
        run, a = m.group(0), m.start()
        zone = ''
        if '%' in run:
            run, zone = run.split('%', 1)
        # trim trailing sentence dots/colons and leading dots
        while run and run[-1] in '.:' and not run.endswith('::'):
            run = run[:-1]
        while run and run[0] == '.':
            run = run[1:]; a += 1
        if run.count(':') < 2:
            continue
        b = a + len(run)
        glued = (a > 0 and re.match(r'[G-Zg-z_]', line[a - 1])) or \
                (not zone and b < len(line) and re.match(r'[G-Zg-z_]', line[b]))
        out.append(('ipv6', a, b, '?v6', 'glued' if glued else ''))
    # IPv4
    for m in V4.finditer(line):
        octs = [m.group(i) for i in range(1, 5)]
        ok = all(int(o) <= 255 for o in octs)
        lead0 = any(len(o) > 1 and o[0] == '0' for o in octs)
        pre = line[m.start() - 1] if m.start() > 0 else ''
        why = []
        if not ok: why.append('octet>255')
        if lead0: why.append('leading zero')
        if pre.isalpha(): why.append('glued to letter')
        if m.end() < len(line) and line[m.end()] == '.': why.append('trailing dot')
        out.append(('ipv4', m.start(), m.end(), '[ip]' if ok and not lead0 else 'REJECT', ','.join(why)))
    for m in DOTTED.finditer(line):
        if m.group(0).count('.') >= 4 or not V4.fullmatch(m.group(0)):
            out.append(('dotted', m.start(), m.end(), 'REJECT', 'more than four dotted parts'))
    # numbers
    for rx, cls in ((DIG, 'digits'), (CARDLIKE, 'cardlike'), (PHONE, 'phone'), (SSN, 'ssn'), (IBAN, 'iban')):
        for m in rx.finditer(line):
            out.append((cls, m.start(), m.end(), 'REJECT', 'luhn' if cls in ('digits', 'cardlike') and luhn(m.group(0)) else ''))
    for m in KV.finditer(line):
        if m.group(3):
            out.append(('kv', m.start(3), m.end(3), 'REJECT', 'key=' + m.group(1)))
    for m in BEARER.finditer(line):
        out.append(('bearer', m.start(1), m.end(1), 'REJECT', 'bearer'))
    for m in JWT.finditer(line):
        out.append(('jwt', m.start(), m.end(), 'REJECT', 'eyJ'))
    for m in PEM.finditer(line):
        out.append(('pem', m.start(), m.end(), 'REJECT', 'BEGIN'))
    for m in VENDOR.finditer(line):
        out.append(('vendor', m.start(), m.end(), 'REJECT', 'vendor prefix'))
    for m in USERINFO.finditer(line):
        ui = m.group(1)
        out.append(('userinfo', m.start(1), m.end(1), '[credentials]' if ':' in ui else 'REJECT',
                    'user:pass' if ':' in ui else 'user only, no password'))
    return out

def luhn(s):
    d = [int(c) for c in s if c.isdigit()]
    if not 13 <= len(d) <= 19: return False
    t = 0
    for i, x in enumerate(reversed(d)):
        if i % 2: x = x * 2 - 9 if x > 4 else x * 2
        t += x
    return t % 10 == 0

# ------------------------------------------------------------ hand review
# (file regex, class, span regex, context regex or None, decision, reason)
# Decided by reading candidates.tsv (see README.md "Labelling").
OVERRIDES = [
    # 4-part package / browser versions and test-section numbers are not IPs
    (r'^(dpkg|apt)\.log$', 'ipv4', r'1\.2\.5\.1|1\.7\.4\.4', r'alsa-topology-conf|socat', 'REJECT', 'Debian package version (1.2.5.1-2, 1.7.4.4-2)'),
    (r'^nginx-access\.log$', 'ipv4', r'156\.0\.0\.0', r'HeadlessChrome/156\.0\.0\.0', 'REJECT', 'browser version in the User-Agent'),
    (r'^go-test\.log$', 'ipv4', r'4\.10\.1\.\d', r'TestNISTPKITSPolicy/4\.10\.1\.\d_', 'REJECT', 'NIST PKITS test section number'),
    # '::' that is a path separator, not the unspecified address
    (r'^cargo\.log$', 'ipv6', r'::', r'std::rt::lang_start::<\(\)>::\{closure', 'REJECT', 'Rust path separator'),
    # runs that are not addresses even though a prefix parses: no ':port' there, just too many groups
    (r'^go-test\.log$', 'ipv6', r'1:2:3:4:5:6:7:8', r'TestParseAddr/1:2:3:4:5:6:7:8:9', 'REJECT', '1:2:3:4:5:6:7:8:9 has nine groups; not an address plus port'),
    (r'^go-test\.log$', 'ipv6', r'1:2:3:4::5:6:7', r'TestParseAddr/1:2:3:4::5:6:7:8', 'REJECT', '1:2:3:4::5:6:7:8 is an invalid literal; not an address plus port'),
    # user@host that is a name, not a mailbox
    (r'^sshd\.log$', 'at', r'[\w.+-]+@(openssh\.com|libssh\.org)', None, 'REJECT', 'SSH algorithm name (vendor@domain naming), not a mailbox'),
    (r'^apt\.log$', 'at', r'getty@tty1\.service', None, 'REJECT', 'systemd unit instance name'),
    (r'^rabbitmq\.log$', 'at', r'rabbit@localhost\.log', None, 'REJECT', 'RabbitMQ node name in a file name'),
]

def netip_ok(strings):
    if not strings: return {}
    p = subprocess.run(['go', 'run', os.path.join(DIR, 'netipcheck.go')], input='\n'.join(strings) + '\n',
                       capture_output=True, text=True, check=True)
    return dict(zip(strings, (r == 'ok' for r in p.stdout.split('\n'))))

def main():
    rows = []
    files = sorted(glob.glob(os.path.join(DIR, '*.log')))
    for path in files:
        name = os.path.basename(path)
        with open(path, 'rb') as fh:
            for n, raw in enumerate(fh.read().split(b'\n')[:-1], 1):
                line = raw.decode('utf-8', 'surrogateescape')
                for c in scan_line(line):
                    rows.append([name, n, line] + list(c))
    # resolve IPv6 with net/netip: whole run, run minus a trailing :port, zone allowed
    tests = set()
    for r in rows:
        if r[3] == 'ipv6':
            run = r[2][r[4]:r[5]]
            tests.add(run)
            m = re.match(r'^(.*?):(\d{1,5})$', run)
            if m: tests.add(m.group(1))
            z = re.match(r'%[0-9A-Za-z_\-]+', r[2][r[5]:])
            if z: tests.add(run + z.group(0))
    ok = netip_ok(sorted(tests))
    for r in rows:
        if r[3] != 'ipv6': continue
        line, a, b = r[2], r[4], r[5]
        run = line[a:b]
        z = re.match(r'%[0-9A-Za-z_\-]+', line[b:])
        glued = r[7] == 'glued'
        if ok.get(run) or (z and ok.get(run + z.group(0))):
            r[6], r[7] = ('REJECT', 'glued to identifier') if glued else ('[ip]', 'netip ok' + (' (zone dropped)' if z else ''))
            m = re.match(r'^(.*?):(\d{1,5})$', run)
            if m and ok.get(m.group(1)) and r[6] == '[ip]':
                r[7] += '; AMBIGUOUS: also parses without trailing :' + m.group(2)
        else:
            m = re.match(r'^(.*?):(\d{1,5})$', run)
            if m and ok.get(m.group(1)) and not glued:
                r[5] = a + len(m.group(1)); r[6], r[7] = '[ip]', 'netip ok after dropping :port'
            else:
                r[6], r[7] = 'REJECT', 'netip rejects' + (' (glued)' if glued else '')
    # drop IPv4 candidates inside an accepted IPv6 span
    v6acc = collections.defaultdict(list)
    for r in rows:
        if r[3] == 'ipv6' and r[6] == '[ip]': v6acc[(r[0], r[1])].append((r[4], r[5]))
    for r in rows:
        if r[3] == 'ipv4' and r[6] == '[ip]':
            for a, b in v6acc.get((r[0], r[1]), ()):
                if a <= r[4] and r[5] <= b:
                    r[6], r[7] = 'REJECT', 'inside an IPv6 address (labelled whole)'
    # hand-review overrides
    comp = [(re.compile(f), c, re.compile(s), re.compile(x) if x else None, d, why) for f, c, s, x, d, why in OVERRIDES]
    used = collections.Counter()
    for r in rows:
        span = r[2][r[4]:r[5]]
        for i, (f, c, s, x, d, why) in enumerate(comp):
            if c == r[3] and f.search(r[0]) and s.fullmatch(span) and (x is None or x.search(r[2])):
                if isinstance(d, tuple):  # ('[ip]', group) : relabel a sub-span
                    mm = s.fullmatch(span); r[4], r[5] = r[4] + mm.start(d[1]), r[4] + mm.end(d[1]); d = d[0]
                r[6], r[7] = d, 'hand: ' + why
                used[i] += 1
                break
    for i, o in enumerate(OVERRIDES):
        if not used[i]: print('override never used:', o, file=sys.stderr)
    with open(os.path.join(DIR, 'candidates.tsv'), 'w', encoding='utf-8', errors='surrogateescape') as fh:
        fh.write('file\tline\tclass\tspan\tdecision\treason\tcontext\n')
        clock = collections.Counter()
        for r in rows:
            span = r[2][r[4]:r[5]]
            # plain clock times / pid:tid:date runs that netip rejected: counted, not listed
            if r[3] == 'ipv6' and r[6] == 'REJECT' and r[0] != 'go-test.log' and re.fullmatch(r'\d+(?::\d+)+(?:\.\d+)?', span):
                clock[r[0]] += 1
                continue
            fh.write('\t'.join([r[0], str(r[1]), r[3], r[2][r[4]:r[5]], r[6], r[7], ctx(r[2], r[4], r[5])]) + '\n')
    print('ipv6 candidates that are digit-only clock-like runs (netip rejects; not listed in candidates.tsv):', sum(clock.values()), dict(clock))
    seen, labels = set(), []
    for r in rows:
        if r[6].startswith('['):
            k = (r[0], r[1], r[2][r[4]:r[5]])
            if k in seen: continue
            seen.add(k); labels.append((r[0], r[1], r[6], r[2][r[4]:r[5]]))
    labels.sort(key=lambda x: (x[0], x[1]))
    with open(os.path.join(DIR, 'labels.tsv'), 'w', encoding='utf-8', errors='surrogateescape') as fh:
        for l in labels:
            fh.write('%s\t%d\t%s\t%s\n' % l)
    print('candidates:', len(rows), 'labels:', len(labels), collections.Counter(l[2] for l in labels))
    if '--summary' in sys.argv:
        u = collections.defaultdict(collections.Counter)
        for r in rows:
            u[(r[3], r[6], r[7])][r[0] + ' ' + r[2][r[4]:r[5]]] += 1
        for k in sorted(u):
            print('==', k, 'unique', len(u[k]), 'total', sum(u[k].values()))
            for s, c in u[k].most_common(60):
                print('   %5d  %s' % (c, s))

main()
