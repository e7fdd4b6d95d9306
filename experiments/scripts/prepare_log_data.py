#!/usr/bin/env python3
"""Builds the bundled log excerpts in jobs/src/main/resources/data/ from two Debian packages.

  apt-get download fail2ban logstalgia
  dpkg-deb -x fail2ban_*.deb f2b && dpkg-deb -x logstalgia_*.deb lsg
  python3 experiments/scripts/prepare_log_data.py f2b lsg jobs/src/main/resources/data

fail2ban-logs.jsonl: every line of fail2ban's filter test logs (tests/files/logs/*) that a "# failJSON:" comment
labels, in file order: source = the log file's name (the service), time = the comment's "time" (epoch ms; the
previous line's time when absent), attack = the comment's "match", message = the line without its leading syslog
or ISO timestamp.
logstalgia-access.jsonl: the first LIMIT lines of logstalgia's example Apache access log: host, time, and a
pre-parsed request type "METHOD /first-path-segment .extension status".
"""
import json, os, re, sys
from datetime import datetime, timezone

SYSLOG = re.compile(r'^(?:[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? (?:\d{4} )?)')
ISO = re.compile(r'^\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?:? ?')
LIMIT = 1200


def epoch_ms(text):
    for fmt in ('%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S'):
        try:
            return int(datetime.strptime(text, fmt).replace(tzinfo=timezone.utc).timestamp() * 1000)
        except ValueError:
            pass
    return None


def fail2ban(root, out):
    logs = os.path.join(root, 'usr/lib/python3/dist-packages/fail2ban/tests/files/logs')
    n = 0
    for name in sorted(os.listdir(logs)):
        path = os.path.join(logs, name)
        if not os.path.isfile(path):
            continue
        label, last_time = None, 0
        with open(path, encoding='utf-8', errors='replace') as f:
            for raw in f:
                line = raw.rstrip('\n')
                if line.startswith('# failJSON:'):
                    try:
                        label = json.loads(line[len('# failJSON:'):])
                    except ValueError:
                        label = None
                    continue
                if label is None or not line.strip() or line.startswith('#'):
                    continue
                t = epoch_ms(label['time']) if isinstance(label.get('time'), str) else None
                last_time = t if t is not None else last_time
                message = ISO.sub('', SYSLOG.sub('', line), count=1).strip() or line
                out.write(json.dumps({'source': name, 'time': last_time, 'attack': bool(label.get('match')),
                                      'message': message}, ensure_ascii=False) + '\n')
                n += 1
                label = None
    return n


ACCESS = re.compile(r'^(\S+) \S+ \S+ \[([^\]]+)\] "(\S+) (\S+)[^"]*" (\d{3}) ')


def logstalgia(root, out):
    n = 0
    with open(os.path.join(root, 'usr/share/logstalgia/example.log'), encoding='utf-8', errors='replace') as f:
        for line in f:
            m = ACCESS.match(line)
            if not m or n >= LIMIT:
                continue
            host, when, method, url, status = m.groups()
            t = int(datetime.strptime(when, '%d/%b/%Y:%H:%M:%S %z').timestamp() * 1000)
            path = url.split('?')[0]
            segs = [s for s in path.split('/') if s]
            first = '/' + segs[0] if len(segs) > 1 else '/'
            ext = os.path.splitext(segs[-1])[1].lower() if segs else ''
            out.write(json.dumps({'host': host, 'time': t,
                                  'type': f'{method} {first} {ext or "-"} {status}'}) + '\n')
            n += 1
    return n


if __name__ == '__main__':
    f2b, lsg, dest = sys.argv[1:4]
    with open(os.path.join(dest, 'fail2ban-logs.jsonl'), 'w', encoding='utf-8') as out:
        print('fail2ban lines', fail2ban(f2b, out))
    with open(os.path.join(dest, 'logstalgia-access.jsonl'), 'w', encoding='utf-8') as out:
        print('logstalgia lines', logstalgia(lsg, out))
