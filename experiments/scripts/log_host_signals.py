#!/usr/bin/env python3
"""Per-host signals on the bundled fail2ban logs: ROC AUC of attack vs other labelled lines (each source's first
line excluded, as in LogEval), for the repetition of a remote host (IPv4 address) within a source and the first
sight of a host, with order-shuffle checks. Flink-free, standard library only.

    nice -n 10 python3 experiments/scripts/log_host_signals.py [jobs/src/main/resources/data/fail2ban-logs.jsonl]
"""
import collections
import json
import random
import re
import sys

PATH = sys.argv[1] if len(sys.argv) > 1 else 'jobs/src/main/resources/data/fail2ban-logs.jsonl'
ROWS = [json.loads(l) for l in open(PATH, encoding='utf-8') if l.strip()]
IPV4 = re.compile(r'(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?![\w.])')


def hosts(message):
    return set(IPV4.findall(message))


def shape(message):
    """A crude template: the words without numbers, addresses or hex ids."""
    m = IPV4.sub(' ', message)
    return ' '.join(t for t in m.split() if not re.search(r'\d', t))


def auc(pos, neg):
    s = 0.0
    for p in pos:
        for n in neg:
            s += 1.0 if p > n else 0.5 if p == n else 0.0
    return s / (len(pos) * len(neg))


def evaluate(score, rows=ROWS):
    """score(history list of the source, row) -> value; the history is the feature's own per-source memory."""
    state = collections.defaultdict(list)
    first = set()
    pos, neg = [], []
    for r in rows:
        v = score(state[r['source']], r)
        if r['source'] not in first:
            first.add(r['source'])
            continue
        if r.get('attack') is True:
            pos.append(v)
        elif r.get('attack') is False:
            neg.append(v)
    return auc(pos, neg), len(pos), len(neg)


def repeats(window_lines=None, window_ms=None, same_shape=False):
    """Earlier lines of the source naming one of this line's hosts (and of the same shape), in a window."""
    def f(hist, r):
        h, t, ts = hosts(r['message']), shape(r['message']), r['time']
        c = 0
        for (ph, pt, pts) in (hist[-window_lines:] if window_lines else hist):
            if h & ph and (not same_shape or pt == t) and (window_ms is None or 0 <= ts - pts <= window_ms):
                c += 1
        hist.append((h, t, ts))
        return c
    return f


def first_sight(hist, r):
    if not hist:
        hist.append(set())
    h = hosts(r['message'])
    new = bool(h - hist[0])
    hist[0] |= h
    return 1 if new else 0


def shuffled(seed):
    rnd = random.Random(seed)
    by = collections.defaultdict(list)
    for r in ROWS:
        by[r['source']].append(r)
    out = []
    for rs in by.values():
        rs = rs[:]
        rnd.shuffle(rs)
        out += rs
    return out


def main():
    a, npos, nneg = evaluate(lambda h, r: 0)
    print(f'{PATH}: {npos} attack vs {nneg} other labelled lines (each source\'s first line excluded)')
    for same in (False, True):
        for wl in (None, 10, 50):
            for wms in (None, 600_000, 86_400_000):
                print(f'repetition of the host{" and shape" if same else ""}, last {wl or "all"} lines, '
                      f'within {wms // 1000 if wms else "any"} s: AUC {evaluate(repeats(wl, wms, same))[0]:.3f}')
    print(f'line names a host: AUC {evaluate(lambda h, r: 1 if hosts(r["message"]) else 0)[0]:.3f}')
    print(f'first sight of a host in the source: AUC {evaluate(first_sight)[0]:.3f}')
    for name, f in (('first sight of a host', first_sight), ('repetition of host and shape, all lines',
                                                              repeats(None, None, True))):
        v = [evaluate(f, shuffled(s))[0] for s in range(20)]
        print(f'{name}, order shuffled within each source (20 seeds): mean {sum(v) / 20:.3f}, '
              f'range {min(v):.3f}-{max(v):.3f}')
    pairs = collections.Counter((r['source'], h) for r in ROWS if r.get('attack') is True for h in hosts(r['message']))
    print(f'attack lines naming a host: {sum(1 for r in ROWS if r.get("attack") is True and hosts(r["message"]))}, '
          f'distinct (source, host) pairs among them: {len(pairs)}, pairs on more than one attack line: '
          f'{sum(1 for c in pairs.values() if c > 1)}')


if __name__ == '__main__':
    main()
