#!/usr/bin/env python3
"""Aggregates JFR execution samples: samples per thread, then per thread group the top frames (self) and the
project/Flink frames with the most samples on the stack (inclusive).

    jfr print --events jdk.ExecutionSample rec.jfr > samples.txt
    python3 bench/jfr-top.py samples.txt [thread-regex] [rows]
"""
import collections
import re
import sys

path = sys.argv[1]
want = re.compile(sys.argv[2]) if len(sys.argv) > 2 else None
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 25
events = open(path).read().split('jdk.ExecutionSample')[1:]
threads = collections.Counter()
top = collections.Counter()
incl = collections.Counter()
n = 0
for e in events:
    m = re.search(r'sampledThread = "([^"]*)"', e)
    t = re.sub(r'\d+', '#', m.group(1)) if m else '?'
    threads[t] += 1
    if want and not want.search(t):
        continue
    n += 1
    frames = re.findall(r'^\s+([\w.$<>]+)\(', e, re.M)
    if frames:
        top[frames[0]] += 1
    for f in set(frames):
        incl[f] += 1
print('samples per thread (all %d):' % len(events))
for k, v in threads.most_common(12):
    print('%6d %5.1f%%  %s' % (v, 100.0 * v / len(events), k))
print('\nselected: %d samples; top frames (self):' % n)
for k, v in top.most_common(rows):
    print('%6d %5.1f%%  %s' % (v, 100.0 * v / max(n, 1), k))
print('\ninclusive (frames on the stack):')
for k, v in incl.most_common(rows * 2):
    print('%6d %5.1f%%  %s' % (v, 100.0 * v / max(n, 1), k))
