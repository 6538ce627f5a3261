#!/usr/bin/env python3
"""Score a PAIRS.csv (left_id,right_id,match_probability,...) against a generated set's truth.

    score.py PAIRS.csv --truth DIR --task links|duplicates [--threshold 0.5]

Prints one JSON object: precision, recall and F1 at the threshold; best F1 (and its threshold);
average precision (true pairs missing from the file count as never retrieved); hits@1 and hits@5
(links: requests with a registered child; duplicates: records with a duplicate); recall at
precision >= 0.95; a calibration table (pairs and share true per probability band); for links,
the share of sibling/twin/cousin/namesake pairs below the threshold and proposals per request.
Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        next(r, None)
        return [row for row in r]


def score(pairs_csv: Path, truth: Path, task: str, threshold: float = 0.5) -> dict:
    if task == "links":
        true = {(a, b) for a, b in _read(truth / "truth_links.csv")}
        key = lambda a, b: (a, b)  # noqa: E731
    else:
        true = {tuple(sorted((a, b))) for a, b in _read(truth / "truth_duplicates.csv")}
        key = lambda a, b: tuple(sorted((a, b)))  # noqa: E731
    scored: dict[tuple, float] = {}
    for row in _read(pairs_csv):
        k = key(row[0], row[1])
        p = float(row[2])
        if p > scored.get(k, -1.0):
            scored[k] = p
    ranked = sorted(scored.items(), key=lambda kv: -kv[1])
    n_true = len(true)
    tp = fp = 0
    best = (0.0, 1.0)
    ap = 0.0
    recall_at_95 = 0.0
    i = 0
    while i < len(ranked):
        p = ranked[i][1]
        while i < len(ranked) and ranked[i][1] == p:
            if ranked[i][0] in true:
                tp += 1
                ap += tp / (tp + fp + 1)  # precision at this hit (ties broken pessimistically)
            else:
                fp += 1
            i += 1
        prec, rec = tp / (tp + fp), tp / max(1, n_true)
        f1 = 2 * prec * rec / (prec + rec) if tp else 0.0
        if f1 > best[0]:
            best = (f1, p)
        if prec >= 0.95:
            recall_at_95 = max(recall_at_95, rec)
    ap /= max(1, n_true)
    at = [k for k, p in ranked if p >= threshold]
    tp_t = sum(1 for k in at if k in true)
    prec = tp_t / len(at) if at else 0.0
    rec = tp_t / max(1, n_true)
    f1 = 2 * prec * rec / (prec + rec) if tp_t else 0.0
    bands = []
    for b in range(10):
        lo, hi = b / 10, (b + 1) / 10
        inband = [k for k, p in ranked if lo <= p < hi or (b == 9 and p == 1.0)]
        share = sum(1 for k in inband if k in true) / len(inband) if inband else None
        bands.append({"band": f"{lo:.1f}-{hi:.1f}", "pairs": len(inband),
                      "share_true": None if share is None else round(share, 3)})
    # hits@k
    by_query = defaultdict(list)
    for (a, b), p in scored.items():
        by_query[a].append((p, b))
        if task == "duplicates":
            by_query[b].append((p, a))
    true_of = defaultdict(set)
    for a, b in true:
        true_of[a].add(b)
        if task == "duplicates":
            true_of[b].add(a)
    h1 = h5 = 0
    for q, ts in true_of.items():
        cands = [b for _, b in sorted(by_query.get(q, []), key=lambda x: (-x[0], x[1]))]
        h1 += bool(cands[:1] and cands[0] in ts)
        h5 += any(c in ts for c in cands[:5])
    out = {"task": task, "threshold": threshold, "pairs_scored": len(scored),
           "proposals": len(at), "precision": round(prec, 4), "recall": round(rec, 4),
           "f1": round(f1, 4), "best_f1": round(best[0], 4), "best_threshold": round(best[1], 4),
           "average_precision": round(ap, 4), "hits_at_1": round(h1 / max(1, len(true_of)), 4),
           "hits_at_5": round(h5 / max(1, len(true_of)), 4),
           "recall_at_precision_95": round(recall_at_95, 4), "calibration": bands}
    if task == "links":
        rel = defaultdict(lambda: [0, 0])
        for r, c, kind in _read(truth / "relations.csv"):
            rel[kind][0] += 1
            rel[kind][1] += scored.get((r, c), 0.0) < threshold
        out["relatives_below_threshold"] = {k: round(v[1] / v[0], 4) for k, v in sorted(rel.items())}
        sib = [rel[k] for k in ("sibling", "twin")]
        out["siblings_twins_below"] = round(sum(v[1] for v in sib) / max(1, sum(v[0] for v in sib)), 4)
        requests = {row[0] for row in _read(truth.joinpath("requests.csv"))}
        per = defaultdict(list)
        for (a, b), p in scored.items():
            if p >= threshold:
                per[a].append((p, b))
        at_most_3 = sum(1 for r in requests if len(per.get(r, [])) <= 3) / len(requests)
        with_true = [r for r in requests if r in true_of]
        first_true = sum(1 for r in with_true
                         if per.get(r) and max(per[r])[1] in true_of[r]) / max(1, len(with_true))
        no_child = [r for r in requests if r not in true_of]
        out["requests_with_at_most_3_proposals"] = round(at_most_3, 4)
        out["true_child_first"] = round(first_true, 4)
        out["mean_proposals_when_no_child"] = round(
            sum(len(per.get(r, [])) for r in no_child) / max(1, len(no_child)), 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pairs", type=Path)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--task", choices=["links", "duplicates"], required=True)
    ap.add_argument("--threshold", type=float, default=0.5)
    a = ap.parse_args()
    print(json.dumps(score(a.pairs, a.truth, a.task, a.threshold)))


if __name__ == "__main__":
    main()
