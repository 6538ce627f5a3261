#!/usr/bin/env python3
"""Consistency check of a generated hold-out set:  python3 check.py DIR

Checks headers and value formats, that every id in the truth files exists, that duplicates form
cliques consistent with the links (a request links to every record of its child), that relation
rows never coincide with true links, and prints the headline counts."""

import collections
import csv
import datetime as dt
import os
import re
import sys

COLUMNS = ["id", "name_first", "name_last", "name_nickname", "sex", "age", "date_of_birth",
           "mother_name", "father_name", "village", "district", "location_separation",
           "date_of_separation", "language"]
SEX = {"", "m", "f", "M", "F", "male", "female", "Male", "Female"}
LANG = {"", "assamese", "bengali", "bodo", "hindi", "sadri", "mising", "nepali"}


def read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        r = csv.reader(fh)
        head = next(r)
        return head, list(r)


def parse_date(s):
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return dt.date.fromisoformat(s)
    if re.fullmatch(r"\d{2}/\d{2}/\d{4}", s):
        d, m, y = s.split("/")
        return dt.date(int(y), int(m), int(d))
    raise ValueError(s)


def main(d):
    errors = []
    recs = {}
    for fn, prefix in (("children.csv", "K"), ("requests.csv", "Q")):
        head, rows = read(os.path.join(d, fn))
        if head != COLUMNS:
            errors.append("%s: bad header %s" % (fn, head))
        ids = set()
        fmt = collections.Counter()
        for row in rows:
            r = dict(zip(head, row))
            if not r["id"].startswith(prefix) or r["id"] in ids:
                errors.append("%s: bad/duplicate id %s" % (fn, r["id"]))
            ids.add(r["id"])
            if r["sex"] not in SEX:
                errors.append("%s %s: sex %r" % (fn, r["id"], r["sex"]))
            fmt["sex_alt"] += r["sex"] not in ("", "m", "f")
            if r["age"] and not r["age"].isdigit():
                errors.append("%s %s: age %r" % (fn, r["id"], r["age"]))
            for k in ("date_of_birth", "date_of_separation"):
                if r[k]:
                    try:
                        parse_date(r[k])
                    except ValueError:
                        errors.append("%s %s: %s %r" % (fn, r["id"], k, r[k]))
            fmt["dmy"] += "/" in r["date_of_birth"] + r["date_of_separation"]
            if r["language"] not in LANG:
                errors.append("%s %s: language %r" % (fn, r["id"], r["language"]))
            fmt["native"] += any(ord(c) > 0x900 for c in r["name_first"] + r["name_last"] +
                                 r["father_name"] + r["mother_name"])
            fmt["no_last"] += not r["name_last"].strip()
        recs[prefix] = ids
        n = len(rows)
        print("%-13s %7d rows; alt sex %.1f%%, dd/mm/yyyy %.1f%%, native script %.1f%%, no family name %.1f%%"
              % (fn, n, 100 * fmt["sex_alt"] / n, 100 * fmt["dmy"] / n, 100 * fmt["native"] / n,
                 100 * fmt["no_last"] / n))
    K, Q = recs["K"], recs["Q"]

    _, links = read(os.path.join(d, "truth_links.csv"))
    _, dups = read(os.path.join(d, "truth_duplicates.csv"))
    _, rels = read(os.path.join(d, "relations.csv"))
    link_set = set()
    by_req = collections.defaultdict(set)
    for q, k in links:
        if q not in Q or k not in K:
            errors.append("link to unknown id %s %s" % (q, k))
        link_set.add((q, k))
        by_req[q].add(k)
    dup_set = set()
    for a, b in dups:
        if a not in K or b not in K or not a < b:
            errors.append("bad duplicate pair %s %s" % (a, b))
        dup_set.add((a, b))
    # union-find over duplicates: every component must be a clique
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a, b in dup_set:
        parent[find(a)] = find(b)
    comps = collections.defaultdict(list)
    for x in list(parent):
        comps[find(x)].append(x)
    sizes = collections.Counter(len(c) for c in comps.values())
    for c in comps.values():
        c.sort()
        for i in range(len(c)):
            for j in range(i + 1, len(c)):
                if (c[i], c[j]) not in dup_set:
                    errors.append("duplicates not a clique: %s %s" % (c[i], c[j]))
    # a request linked to a record must be linked to all duplicates of it, and only to one child
    for q, ks in by_req.items():
        ks = sorted(ks)
        roots = {find(k) if k in parent else k for k in ks}
        if len(roots) != 1:
            errors.append("request %s links to records of different children %s" % (q, ks))
        for k in ks:
            if k in parent:
                for other in comps[find(k)]:
                    if other not in by_req[q]:
                        errors.append("request %s misses duplicate %s of %s" % (q, other, k))
    relc = collections.Counter()
    for q, k, rel in rels:
        if q not in Q or k not in K:
            errors.append("relation with unknown id %s %s" % (q, k))
        if rel not in ("sibling", "twin", "cousin", "namesake"):
            errors.append("bad relation %s" % rel)
        if (q, k) in link_set:
            errors.append("relation is a true link %s %s %s" % (q, k, rel))
        relc[rel] += 1
    reqs_with_sib = len({q for q, k, rel in rels if rel == "sibling"})
    print("requests %d, with a registered child %d (%.1f%%), links %d" %
          (len(Q), len(by_req), 100 * len(by_req) / len(Q), len(link_set)))
    linked_children = {find(k) if k in parent else k for ks in by_req.values() for k in ks}
    n_children = len({find(k) if k in parent else k for k in K})
    print("distinct registered children %d of %d records; without any request %.1f%%" %
          (n_children, len(K), 100 * (1 - len(linked_children) / n_children)))
    print("duplicate pairs %d; clusters by size %s" % (len(dup_set), dict(sorted(sizes.items()))))
    print("relations %s; requests that see a registered sibling %d" % (dict(relc), reqs_with_sib))
    if errors:
        print("ERRORS (%d):" % len(errors))
        for e in errors[:30]:
            print("  " + e)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "small")
