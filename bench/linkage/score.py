#!/usr/bin/env python3
"""Precision, recall and F1 of a PAIRS.csv (left_id,right_id,match_probability,...) against the
truth encoded in FEBRL-style ids (rec-N-org / rec-N-dup-K: same N = same person).

Usage: score.py PAIRS.csv --link A.csv B.csv [--threshold 0.5]
       score.py PAIRS.csv --dedupe FILE.csv  [--threshold 0.5]
Prints one JSON line. Standard library only, so it runs without the bench venv.
"""
import argparse
import csv
import json
import re
from collections import Counter

ID = re.compile(r"^rec-(\d+)-")


def entity(rec_id):
    m = ID.match(rec_id)
    return m.group(1) if m else None


def ids(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [row["rec_id"] for row in csv.DictReader(f)]


def score(pairs, threshold=0.5, link=None, dedupe=None):
    """P/R/F1 of the pairs at or above `threshold`; `link=(A, B)` or `dedupe=FILE` gives the truth."""
    if link:
        left = Counter(entity(i) for i in ids(link[0]))
        right = Counter(entity(i) for i in ids(link[1]))
        n_true = sum(c * right[e] for e, c in left.items())
    else:
        cnt = Counter(entity(i) for i in ids(dedupe))
        n_true = sum(c * (c - 1) // 2 for c in cnt.values())
    tp = fp = 0
    seen = set()
    with open(pairs, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if float(row["match_probability"]) < threshold:
                continue
            l, r = row["left_id"], row["right_id"]
            key = (l, r) if link else tuple(sorted((l, r)))
            if key in seen:
                continue
            seen.add(key)
            if entity(l) is not None and entity(l) == entity(r):
                tp += 1
            else:
                fp += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / n_true if n_true else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"threshold": threshold, "pairs": tp + fp, "true_pairs": n_true, "tp": tp, "fp": fp,
            "fn": n_true - tp, "precision": round(p, 6), "recall": round(r, 6), "f1": round(f1, 6)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pairs")
    ap.add_argument("--link", nargs=2)
    ap.add_argument("--dedupe")
    ap.add_argument("--threshold", type=float, default=0.5)
    a = ap.parse_args()
    print(json.dumps(score(a.pairs, a.threshold, link=a.link, dedupe=a.dedupe)))


if __name__ == "__main__":
    main()
