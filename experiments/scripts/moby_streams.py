#!/usr/bin/env python3
"""Moby-Dick (../shared/data/text/moby-dick.txt, public domain) as short categorical streams for the log model:
one source per chapter, its first 300 characters (lower case, runs of white space as one "sp" type), one event a
second. Log sources are short (tens to hundreds of events), so this is the shared data on which the softmax head's
default learning rate is chosen (docs/log-results.md):

  /usr/bin/python3 experiments/scripts/moby_streams.py ../shared/data/text/moby-dick.txt /tmp/moby-streams.jsonl
  experiments/run-experiment.sh LogEval --file /tmp/moby-streams.jsonl --key-field source --category-field type \\
      --min-events 40 --timing-passes 0 --lr 0.01
"""
import json
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
chapters = [p for p in re.split(r"\n(?=CHAPTER \d+)", text) if p.startswith("CHAPTER")]
with open(sys.argv[2], "w") as out:
    for i, chapter in enumerate(chapters):
        body = chapter.split("\n", 1)[1] if "\n" in chapter else chapter
        body = re.sub(r"\s+", " ", body).strip().lower()[:300]
        for j, ch in enumerate(body):
            out.write(json.dumps({"source": "ch%03d" % (i + 1), "time": 1000 + j,
                                  "type": "sp" if ch == " " else ch}) + "\n")
