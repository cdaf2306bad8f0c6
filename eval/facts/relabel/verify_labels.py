# Checks: text[start:end]==figure, quote in text, quote covers the span; status quotes verbatim; kinds valid.
import collections
import json

KINDS = {"result", "count", "money", "duration", "dose", "phase", "date", "other"}
KEYS = ["source", "figure", "start", "end", "unit", "kind", "measure", "subject", "comparator", "quote"]
def T(s):
    return open("corpus/" + s, encoding="utf-8").read()
rows = [json.loads(line) for line in open("figures.jsonl", encoding="utf-8")]
bad = 0
for r in rows:
    t = T(r["source"])
    q = r["quote"]
    ok = list(r) == KEYS and r["kind"] in KINDS and t[r["start"] : r["end"]] == r["figure"] and q in t
    ok = ok and any(
        p <= r["start"] and r["end"] <= p + len(q) for p in [i for i in range(len(t)) if t.startswith(q, i)]
    )
    if not ok:
        bad += 1
        print("BAD", r)
st = [json.loads(line) for line in open("status.jsonl", encoding="utf-8")]
for s in st:
    if s["quote"] not in T(s["source"]):
        bad += 1
        print("BAD status", s)
print("figures", len(rows), "status", len(st), "bad", bad)
print(collections.Counter(r["kind"] for r in rows))
print(collections.Counter(r["source"] for r in rows))
print(collections.Counter(s["source"] for s in st))
