#!/usr/bin/env python3
"""Seeded generator of field-like family-tracing data (see ../../../shared/docs/ftr-data.md).

A world of households in Assam districts (communities with their naming customs, skewed name
frequencies whose pools do not grow with the registry, cousins' households in the same village,
twins), flood events that separate children (siblings together), registrations written by
caseworkers from what a child can tell (pet names as given names, estimated and heaped ages,
missing family names, parents known by given name only, the district where the child was found,
the nearest town for the village, native scripts), duplicate registrations by another agency,
and tracing requests written by relatives (formal names, exact ages from parents, 1 January
placeholders and day/month swaps, other spellings), a third for children never registered and
a few second requests by another relative.

    python3 bench/field-tracing/generate.py --size small --out bench/field-tracing/small
    python3 bench/field-tracing/generate.py --size large --out ~/.cache/homeward-bench-data/field-large

Writes requests.csv (LEFT), children.csv (RIGHT) with the tracing profile's columns, and the
truth: truth_links.csv (request_id, child_id), truth_duplicates.csv (child_id_a, child_id_b),
relations.csv (request_id, child_id, relation: sibling | twin | cousin | namesake).
Standard library only; the same seed gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import random
from pathlib import Path

from tables import (COMMUNITIES, DISTRICTS, SCRIPT_OF, TOWNS, VILLAGE_CORES, VILLAGE_SUFFIXES,
                    PLACES, spell, to_script)

COLUMNS = ["id", "name_first", "name_last", "name_nickname", "sex", "age", "date_of_birth",
           "mother_name", "father_name", "village", "district", "location_separation",
           "date_of_separation", "language"]

SIZES = {"small": (2000, 1500), "large": (200_000, 150_000),
         # one new record against a million (the live index benchmark); no relations file
         "index": (1_000_000, 20_000)}


def zipf_pick(rng: random.Random, items: list, s: float = 1.1):
    """Pick with weights 1/rank^s (a few names cover a large share)."""
    weights = getattr(zipf_pick, "_cache", {}).get((id(items), s))
    if weights is None:
        w = [1.0 / (i + 1) ** s for i in range(len(items))]
        cum, t = [], 0.0
        for x in w:
            t += x
            cum.append(t)
        weights = cum
        zipf_pick.__dict__.setdefault("_cache", {})[(id(items), s)] = weights
    r = rng.random() * weights[-1]
    lo, hi = 0, len(weights) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if weights[mid] < r:
            lo = mid + 1
        else:
            hi = mid
    return items[lo]


class World:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.villages = {}
        for d in DISTRICTS:
            vs = []
            for _ in range(40):
                core = rng.choice(VILLAGE_CORES)
                suffix = rng.choice(VILLAGE_SUFFIXES)
                prefix = rng.choice(["", "", "", "No. 1 ", "No. 2 ", "Pub ", "Paschim ", "Bor ", "Saru "])
                vs.append(f"{prefix}{core}{suffix}")
            self.villages[d["name"]] = vs
        self.events = {}
        for d in DISTRICTS:
            evs = []
            for _ in range(4):
                day = dt.date(2024, 6, 1) + dt.timedelta(days=rng.randrange(0, 100))
                evs.append((day, rng.choice(PLACES)))
            self.events[d["name"]] = evs

    def household(self, hid: int, district: dict, village: str | None = None,
                  community: str | None = None, surname: str | None = None):
        rng = self.rng
        if community is None:
            community = zipf_pick(rng, district["communities"], 0.6)
        c = COMMUNITIES[community]
        if surname is None:
            surname = zipf_pick(rng, c["surnames"], 1.0)
        father = zipf_pick(rng, c["men"], 0.9)
        mother = zipf_pick(rng, c["women"], 0.9)
        village = village or rng.choice(self.villages[district["name"]])
        n = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6])
        kids = []
        used = set()
        for _ in range(n):
            sex = rng.choice("mf")
            pool = c["boys"] if sex == "m" else c["girls"]
            for _ in range(10):
                given = zipf_pick(rng, pool, 1.05)
                if given not in used:
                    break
            used.add(given)
            age = rng.randrange(0, 18)
            kids.append(self.child(c, sex, given, age))
        if rng.random() < 0.07 and kids:
            # twins: same date of birth, alliterative names, sometimes other sex
            t = kids[0]
            sex = t["sex"] if rng.random() < 0.7 else ("f" if t["sex"] == "m" else "m")
            pool = c["boys"] if sex == "m" else c["girls"]
            same_initial = [g for g in pool if g[0] == t["given"][0] and g != t["given"]]
            given = rng.choice(same_initial or pool)
            twin = self.child(c, sex, given, t["age"])
            twin["dob"] = t["dob"]
            twin["twin_of"] = id(t)
            t["twin_of"] = id(twin)
            kids.append(twin)
        return {"id": hid, "community": community, "surname": surname, "father": father,
                "mother": mother, "village": village, "district": district, "kids": kids}

    def child(self, c, sex, given, age):
        rng = self.rng
        dob = dt.date(2024 - age, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
        pet = None
        if rng.random() < 0.75:
            pets = c["pets_m"] if sex == "m" else c["pets_f"]
            pet = rng.choice(pets) if rng.random() < 0.6 else given[: max(3, len(given) // 2)] + rng.choice(["u", "i", "a", "on", "ku"])
        return {"sex": sex, "given": given, "age": age, "dob": dob, "pet": pet}


def full_given(rng, community, kid, formal: bool):
    """The given name as written: Muslim boys often get 'Md.', Hindu boys a middle name."""
    c = COMMUNITIES[community]
    g = kid["given"]
    if kid["sex"] == "m" and c.get("md") and rng.random() < (0.6 if formal else 0.35):
        g = rng.choice(["Md.", "Md", "Mohammad", "Mohammed", "Mohd.", "Md"]) + " " + g
    if kid["sex"] == "m" and c.get("middle") and rng.random() < (0.4 if formal else 0.15):
        mid = rng.choice(c["middle"])
        g = g + " " + (rng.choice([mid, mid[:2] + "."]) if rng.random() < 0.5 else mid)
    return g


def family_name(rng, hh, kid, formal: bool):
    c = COMMUNITIES[hh["community"]]
    if kid["sex"] == "f" and c.get("female_marker"):
        # Muslim girls mostly carry Begum/Khatun/... instead of a family name.
        r = rng.random()
        if r < 0.75:
            return rng.choice(c["female_marker"])
        return hh["surname"]
    if kid["sex"] == "f" and c.get("devi") and rng.random() < (0.2 if formal else 0.35):
        return rng.choice(["Devi", "Kumari"])
    return hh["surname"]


def mother_name(rng, hh, formal: bool):
    c = COMMUNITIES[hh["community"]]
    r = rng.random()
    if c.get("female_marker"):
        last = rng.choice(c["female_marker"])
    elif c.get("devi") and r < 0.5:
        last = "Devi"
    else:
        last = hh["surname"]
    if not formal and rng.random() < 0.5:
        return hh["mother"]
    return f"{hh['mother']} {last}"


def father_name(rng, hh, formal: bool):
    c = COMMUNITIES[hh["community"]]
    name = hh["father"]
    if c.get("md") and rng.random() < 0.4:
        name = "Md. " + name
    if not formal and rng.random() < 0.5:
        return name
    return f"{name} {hh['surname']}"


def noisy(rng, text: str, rate: float) -> str:
    """Spelling variation on each word (transliteration, tables, typos)."""
    if not text:
        return text
    words = [spell(rng, w) if rng.random() < rate else w for w in text.split(" ")]
    out = " ".join(w for w in words if w)
    if rng.random() < 0.03:
        out = out.upper()
    if rng.random() < 0.02:
        out = out.replace(" ", "  ", 1)
    return out


def district_as_written(rng, d: dict) -> str:
    r = rng.random()
    if r < 0.55:
        return d["name"]
    if r < 0.8 and d.get("spellings"):
        return rng.choice(d["spellings"])
    if r < 0.92 and d.get("parent"):
        return d["parent"]
    return spell(rng, d["name"])


def village_as_written(rng, v: str) -> str:
    r = rng.random()
    if r < 0.5:
        return v
    w = v
    for a, b in [("No. 2 ", "2 No. "), ("No. 1 ", "No-1 "), ("Pub ", "Purba "), ("gaon", " Gaon"),
                 ("gaon", "gaun"), ("chapori", "sapori"), ("para", "para "), ("bari", " Bari")]:
        if a in w and rng.random() < 0.5:
            w = w.replace(a, b)
    if rng.random() < 0.3:
        w = spell(rng, w)
    return w.strip()


def age_written(rng, age: int, by: str) -> str:
    if by == "caseworker":
        err = rng.gauss(0, 0.8 + 0.25 * max(0, 6 - age))
        est = max(0, round(age + err))
        if rng.random() < 0.45:
            # heaping on even numbers and multiples of five
            est = 5 * round(est / 5) if rng.random() < 0.5 else 2 * round(est / 2)
        return str(max(0, est))
    if by == "parent":
        return str(age if rng.random() < 0.85 else age + rng.choice([-1, 1]))
    return str(max(0, age + rng.choice([-2, -1, 0, 0, 1, 2])))


def dob_written(rng, dob: dt.date) -> str:
    r = rng.random()
    if r < 0.4:
        return f"{dob.year}-01-01"
    if r < 0.55 and dob.day <= 12:
        return f"{dob.year}-{dob.day:02d}-{dob.month:02d}"
    if r < 0.65:
        return f"{dob.year + rng.choice([-1, 1])}-{dob.month:02d}-{dob.day:02d}"
    return dob.isoformat()


def script_row(rng, row: dict, community: str) -> dict:
    script = SCRIPT_OF[community]
    for k in ("name_first", "name_last", "name_nickname", "mother_name", "father_name"):
        if row[k]:
            row[k] = to_script(row[k], script)
    return row


def registration(rng, world: World, hh: dict, kid: dict, event, found_district: dict) -> dict:
    """A caseworker's record, from what the child says."""
    age = kid["age"]
    young = age < 6
    row = dict.fromkeys(COLUMNS, "")
    if young and kid["pet"] and rng.random() < 0.6:
        row["name_first"] = kid["pet"]
    else:
        row["name_first"] = full_given(rng, hh["community"], kid, formal=False)
        if kid["pet"] and rng.random() < 0.4:
            row["name_nickname"] = kid["pet"]
    if rng.random() > (0.5 if young else 0.2):
        row["name_last"] = family_name(rng, hh, kid, formal=False)
    if rng.random() < 0.04 and row["name_last"]:
        row["name_first"], row["name_last"] = row["name_last"], row["name_first"]
    elif rng.random() < 0.04 and row["name_last"]:
        row["name_first"], row["name_last"] = row["name_first"] + " " + row["name_last"], ""
    row["sex"] = kid["sex"] if rng.random() < 0.97 else ""
    row["age"] = age_written(rng, age, "caseworker")
    if not young and rng.random() < 0.15:
        row["date_of_birth"] = dob_written(rng, kid["dob"])
    if kid.get("twin_of") and rng.random() < 0.5:
        row["date_of_birth"] = kid["dob"].isoformat()
    knows_parents = 0.35 if young else 0.85
    if rng.random() < knows_parents:
        row["mother_name"] = hh["mother"] if young else mother_name(rng, hh, formal=False)
    if rng.random() < knows_parents * 0.9:
        row["father_name"] = hh["father"] if young else father_name(rng, hh, formal=False)
    if rng.random() < (0.4 if young else 0.85):
        row["village"] = village_as_written(rng, hh["village"]) if rng.random() < 0.85 else rng.choice(TOWNS)
    d = hh["district"] if rng.random() < 0.6 else found_district
    row["district"] = district_as_written(rng, d) if rng.random() < 0.95 else ""
    day, place = event
    row["location_separation"] = place if rng.random() < 0.7 else ""
    sep = day + dt.timedelta(days=rng.choice([0, 0, 0, 1, 2, 5, 9]) if young else rng.choice([0, 0, 1, -1]))
    row["date_of_separation"] = sep.isoformat() if rng.random() < 0.8 else ""
    row["language"] = COMMUNITIES[hh["community"]]["language"] if rng.random() < 0.6 else ""
    for k in ("name_first", "name_last", "name_nickname", "mother_name", "father_name"):
        row[k] = noisy(rng, row[k], 0.3)
    if rng.random() < 0.1:
        row = script_row(rng, row, hh["community"])
    return row


def request(rng, hh: dict, kid: dict, event, by: str) -> dict:
    """A relative's tracing request, from memory."""
    row = dict.fromkeys(COLUMNS, "")
    row["name_first"] = full_given(rng, hh["community"], kid, formal=True)
    if kid["pet"] and rng.random() < 0.7:
        row["name_nickname"] = kid["pet"]
    if rng.random() < 0.9:
        row["name_last"] = family_name(rng, hh, kid, formal=True)
    if rng.random() < 0.03 and row["name_last"]:
        row["name_first"], row["name_last"] = row["name_last"], row["name_first"]
    row["sex"] = kid["sex"]
    row["age"] = age_written(rng, kid["age"], "parent" if by == "parent" else "other")
    if rng.random() < 0.3:
        row["date_of_birth"] = dob_written(rng, kid["dob"])
    row["mother_name"] = mother_name(rng, hh, formal=True) if rng.random() < 0.95 else ""
    row["father_name"] = father_name(rng, hh, formal=True) if rng.random() < 0.9 else ""
    row["village"] = village_as_written(rng, hh["village"]) if rng.random() < 0.95 else ""
    row["district"] = district_as_written(rng, hh["district"])
    day, place = event
    row["location_separation"] = place if rng.random() < 0.8 else ""
    row["date_of_separation"] = (day + dt.timedelta(days=rng.choice([0, 0, -1, 1, 3]))).isoformat() if rng.random() < 0.85 else ""
    row["language"] = COMMUNITIES[hh["community"]]["language"] if rng.random() < 0.7 else ""
    for k in ("name_first", "name_last", "name_nickname", "mother_name", "father_name"):
        row[k] = noisy(rng, row[k], 0.3)
    if rng.random() < 0.1:
        row = script_row(rng, row, hh["community"])
    return row


def copy_edit(rng, row: dict) -> dict:
    """Another agency's copy of a list, lightly edited."""
    out = dict(row)
    for k in ("name_first", "name_last", "mother_name", "village"):
        if out[k] and rng.random() < 0.3:
            out[k] = spell(rng, out[k])
    if out["age"] and rng.random() < 0.2:
        out["age"] = str(max(0, int(out["age"]) + rng.choice([-1, 1])))
    return out


def generate(size: str, seed: int, out: Path) -> None:
    n_children, n_requests = SIZES[size]
    rng = random.Random(seed)
    world = World(rng)
    children, requests = [], []  # (row, child key)
    kid_info = {}  # child key -> (household, kid)
    household_of_kid = {}
    by_household = {}
    cousins = {}
    hid = 0
    sought_unregistered = []
    target_unmatched = n_requests // 3
    while len(children) < n_children or len(requests) < n_requests - target_unmatched:
        district = rng.choice(DISTRICTS)
        hid += 1
        hh = world.household(hid, district)
        group = [hh]
        if rng.random() < 0.25:
            # the father's brother's household: same surname and village, the same flood
            hid += 1
            cousin = world.household(hid, district, hh["village"], hh["community"], hh["surname"])
            group.append(cousin)
            cousins[hh["id"]] = cousin["id"]
            cousins[cousin["id"]] = hh["id"]
        event = rng.choice(world.events[district["name"]])
        for h in group:
            by_household[h["id"]] = []
            separated = [k for k in h["kids"] if rng.random() < 0.55]
            found = district if rng.random() < 0.67 else next(
                (d for d in DISTRICTS if d["name"] == rng.choice(district["neighbours"])), district)
            for kid in separated:
                key = (h["id"], id(kid))
                kid_info[key] = (h, kid)
                by_household[h["id"]].append(key)
                registered = rng.random() < 0.7 and len(children) < n_children
                if registered:
                    row = registration(rng, world, h, kid, event, found)
                    children.append((row, key))
                    r = rng.random()
                    if r < 0.07 and len(children) < n_children:
                        again = registration(rng, world, h, kid, event, found) if rng.random() < 0.7 else copy_edit(rng, row)
                        children.append((again, key))
                        if rng.random() < 0.12 and len(children) < n_children:
                            children.append((registration(rng, world, h, kid, event, found), key))
                if rng.random() < 0.5 and len(requests) < n_requests:
                    by = "parent" if rng.random() < 0.75 else "other"
                    if not registered:
                        if len(sought_unregistered) >= target_unmatched:
                            continue
                        sought_unregistered.append(key)
                    requests.append((request(rng, h, kid, event, by), key))
                    if rng.random() < 0.04 and len(requests) < n_requests:
                        requests.append((request(rng, h, kid, event, "other"), key))
    while len(requests) < n_requests:
        # requests for children never found, from households whose other children may be
        district = rng.choice(DISTRICTS)
        hid += 1
        hh = world.household(hid, district)
        kid = hh["kids"][0]
        key = (hh["id"], id(kid))
        kid_info[key] = (hh, kid)
        requests.append((request(rng, hh, kid, rng.choice(world.events[district["name"]]), "parent"), key))
    rng.shuffle(children)
    rng.shuffle(requests)
    ids = range(100000, 999999) if len(children) < 800_000 else range(1_000_000, 9_999_999)
    cid = rng.sample(ids, len(children))
    rid = rng.sample(ids, len(requests))
    out.mkdir(parents=True, exist_ok=True)
    child_rows = []
    for (row, key), i in zip(children, cid):
        row["id"] = f"C{i}"
        child_rows.append((row, key))
    req_rows = []
    for (row, key), i in zip(requests, rid):
        row["id"] = f"R{i}"
        req_rows.append((row, key))
    for name, rows in (("children.csv", child_rows), ("requests.csv", req_rows)):
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS)
            w.writeheader()
            for row, _ in rows:
                w.writerow(row)
    by_key = {}
    for row, key in child_rows:
        by_key.setdefault(key, []).append(row["id"])
    by_hh = {}
    for row, key in child_rows:
        by_hh.setdefault(key[0], []).append((row["id"], key))
    links = [(r["id"], c) for r, key in req_rows for c in by_key.get(key, [])]
    dups = []
    for ids in by_key.values():
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                dups.append((ids[a], ids[b]))
    relations = []
    name_index = {}
    for row, key in child_rows:
        h, kid = kid_info[key]
        name_index.setdefault((kid["given"], h["surname"], kid["sex"]), []).append((row["id"], key))
    for r, key in req_rows if size != "index" else []:
        h, kid = kid_info[key]
        for c, k2 in by_hh.get(h["id"], []):
            if k2 != key:
                rel = "twin" if kid.get("twin_of") == id(kid_info[k2][1]) else "sibling"
                relations.append((r["id"], c, rel))
        if h["id"] in cousins:
            for c, _ in by_hh.get(cousins[h["id"]], []):
                relations.append((r["id"], c, "cousin"))
        for c, k2 in name_index.get((kid["given"], h["surname"], kid["sex"]), []):
            if k2[0] != h["id"] and abs(kid_info[k2][1]["age"] - kid["age"]) <= 3:
                relations.append((r["id"], c, "namesake"))
    for name, header, rows in (("truth_links.csv", ["request_id", "child_id"], links),
                               ("truth_duplicates.csv", ["child_id_a", "child_id_b"], dups),
                               ("relations.csv", ["request_id", "child_id", "relation"], relations)):
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
    with_child = len({r for r, _ in links})
    counts = {}
    for _, _, rel in relations:
        counts[rel] = counts.get(rel, 0) + 1
    print(f"{size}: {len(child_rows)} children, {len(req_rows)} requests "
          f"({with_child} with a registered child), {len(links)} true links, "
          f"{len(dups)} duplicate pairs, relations {counts}")
    for name in ("requests.csv", "children.csv"):
        print(name, hashlib.sha256((out / name).read_bytes()).hexdigest()[:16])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", choices=SIZES, default="small")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    generate(a.size, a.seed, a.out)


if __name__ == "__main__":
    main()
