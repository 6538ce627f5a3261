#!/usr/bin/env python3
"""Hold-out generator of family-tracing evaluation data (Assam floods setting).

    python3 generate.py --size small|large --seed N --out DIR

Builds a latent world of flood-affected households (parents, separated children, twins, clans of
brothers' households = cousins, namesakes from fixed Zipf-like name pools), then renders

  * children.csv  -- registered children (caseworkers of several agencies; duplicates, copies)
  * requests.csv  -- tracing requests filed by relatives (some for children never registered,
                     some second requests by another relative)

with field noise as described in /work/shared/docs/ftr-data.md, plus the truth files
truth_links.csv, truth_duplicates.csv and relations.csv.  Standard library only; the same seed
gives byte-identical files.  Rates are drawn from plausible ranges by a rate generator that
depends on the seed only (not on the size).
"""

import argparse
import bisect
import csv
import datetime as dt
import math
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import names as N  # noqa: E402

SIZES = {"small": (2000, 1500), "large": (200000, 150000)}
REF_DATE = dt.date(2024, 7, 1)
COLUMNS = ["id", "name_first", "name_last", "name_nickname", "sex", "age", "date_of_birth",
           "mother_name", "father_name", "village", "district", "location_separation",
           "date_of_separation", "language"]


# =============================================================================================
# small helpers
# =============================================================================================

class Pool:
    """Weighted pool with a precomputed cumulative table."""
    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        self.items = list(items)
        c = 0.0
        cum = []
        for w in weights:
            c += w
            cum.append(c)
        self.cum = cum
        self.total = c

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def zipf_pool(items, s, b=2.0):
    return Pool(items, [1.0 / (i + b) ** s for i in range(len(items))])


def wchoice(rng, pairs):
    r = rng.random() * sum(w for _, w in pairs)
    for item, w in pairs:
        r -= w
        if r <= 0:
            return item
    return pairs[-1][0]


def uni(rng, lo, hi):
    return lo + (hi - lo) * rng.random()


# =============================================================================================
# rates (depend on the seed only)
# =============================================================================================

def draw_rates(seed):
    r = random.Random(seed * 1000003 + 17)
    R = {}
    R["unmatched_request_share"] = uni(r, 0.30, 0.37)   # requests with no registered child
    R["dup2"] = uni(r, 0.07, 0.11)                      # registration events registered twice
    R["dup3"] = uni(r, 0.010, 0.022)                    # ... three times
    R["copy_share"] = uni(r, 0.25, 0.40)                # extra records that are list copies
    R["second_request"] = uni(r, 0.04, 0.08)
    R["neighbour_found"] = uni(r, 0.28, 0.36)           # found in a neighbouring district
    R["twin_hh"] = uni(r, 0.04, 0.07)                   # households (>=2 sep. kids) with twins
    R["twin_mixed_sex"] = uni(r, 0.30, 0.40)
    R["clan_size"] = [(1, uni(r, 0.82, 0.88)), (2, uni(r, 0.09, 0.13)), (3, uni(r, 0.02, 0.05))]
    R["kids_per_hh"] = [(1, 0.50), (2, 0.28), (3, 0.13), (4, 0.06), (5, 0.03)]
    R["siblings_found_together"] = uni(r, 0.70, 0.82)
    R["family_files_for_all"] = uni(r, 0.75, 0.88)
    R["zipf_given"] = uni(r, 0.80, 0.95)
    R["zipf_surname"] = uni(r, 0.95, 1.15)
    R["native_request"] = uni(r, 0.08, 0.115)
    R["native_child"] = uni(r, 0.07, 0.10)
    R["sex_alt_format"] = uni(r, 0.04, 0.06)
    R["date_dmy"] = uni(r, 0.05, 0.065)
    R["caps_request"] = uni(r, 0.04, 0.07)
    R["has_pet"] = uni(r, 0.75, 0.88)
    R["district_parent_name"] = uni(r, 0.25, 0.40)      # split/renamed district -> parent name
    R["district_variant"] = uni(r, 0.15, 0.25)
    R["var_request"] = uni(r, 0.10, 0.16)              # per-word spelling variant
    R["typo_request"] = uni(r, 0.02, 0.04)
    R["short_long_switch"] = uni(r, 0.20, 0.35)
    return R


# =============================================================================================
# spelling variation (Latin)
# =============================================================================================

_V = "aeiou"
_ALL = None
_NOT_MUS = ("asm", "bnh", "mis", "bodo", "adv", "nep", "hin")
_BN_AS = ("asm", "bnh", "mus", "mis", "bodo")
_RULES = [
    # (name, regex, replacement, communities or None, weight)
    ("ee>i", re.compile(r"ee"), "i", _ALL, 2.5),
    ("i>ee", re.compile(r"(?<=[^aeiou])i(?=[^aeiou])"), "ee", _ALL, 2.0),
    ("oo>u", re.compile(r"oo"), "u", _ALL, 2.0),
    ("u>oo", re.compile(r"(?<=[^aeiou])u(?=[^aeiou])"), "oo", _ALL, 1.5),
    ("a>o", re.compile(r"(?<=[bcdghjklmnprstvz])a(?=[bcdghjklmnprstv])"), "o", _BN_AS, 3.0),
    ("o>a", re.compile(r"(?<=[bcdghjklmnprstvz])o(?=[bcdghjklmnprstv])"), "a", _BN_AS, 2.0),
    ("b>v", re.compile(r"b(?!h)"), "v", _NOT_MUS, 1.0),
    ("v>b", re.compile(r"v"), "b", _ALL, 1.5),
    ("bh>v", re.compile(r"bh"), "v", ("asm", "bnh", "hin", "nep", "adv"), 0.6),
    ("s>sh", re.compile(r"s(?!h)"), "sh", _ALL, 2.0),
    ("sh>s", re.compile(r"sh"), "s", _ALL, 2.0),
    ("j>z", re.compile(r"j"), "z", _ALL, 1.0),
    ("z>j", re.compile(r"z"), "j", _ALL, 1.5),
    ("ph>f", re.compile(r"ph"), "f", _ALL, 1.5),
    ("f>ph", re.compile(r"f"), "ph", _ALL, 1.0),
    ("q>k", re.compile(r"q"), "k", _ALL, 2.0),
    ("k>q", re.compile(r"k(?!h)"), "q", ("mus",), 0.7),
    ("ksh>kh", re.compile(r"ksh"), "kh", _ALL, 1.0),
    ("ksh>x", re.compile(r"ksh"), "x", ("asm", "mis"), 0.7),
    ("x>ksh", re.compile(r"x"), "ksh", _ALL, 1.0),
    ("y>i$", re.compile(r"y$"), "i", _ALL, 2.0),
    ("i>y$", re.compile(r"i$"), "y", _ALL, 1.5),
    ("i>ee$", re.compile(r"i$"), "ee", _ALL, 1.5),
    ("ou>au", re.compile(r"ou"), "au", _ALL, 1.5),
    ("au>ou", re.compile(r"au"), "ou", _ALL, 1.5),
    ("ow>ou", re.compile(r"ow"), "ou", _ALL, 1.0),
    ("ou>ow", re.compile(r"ou"), "ow", _ALL, 1.0),
    ("aspirate", re.compile(r"(?<!s)(?<!c)([bdgkptj])h"), r"\1", _ALL, 2.0),
    ("chh>ch", re.compile(r"chh"), "ch", _ALL, 1.5),
    ("double", re.compile(r"(?<=[aeiou])([bdgklmnprt])(?=[aeiou])"), r"\1\1", _ALL, 1.5),
    ("single", re.compile(r"([bdgklmnprst])\1"), r"\1", _ALL, 2.0),
    ("+h$", re.compile(r"(?<=[^aeiou]a)$"), "h", ("asm", "bnh", "mus", "mis"), 1.0),
    ("-h$", re.compile(r"(?<=[aeiou])h$"), "", _ALL, 1.5),
    ("s>x", re.compile(r"^sh?"), "x", ("asm",), 0.7),
    ("sh>x", re.compile(r"sh"), "x", ("asm",), 0.5),
    ("b>v$", re.compile(r"b$"), "v", _NOT_MUS, 1.0),
    ("v>b$", re.compile(r"v$"), "b", _ALL, 1.0),
    ("w>o", re.compile(r"w(?![aeiou])"), "o", ("bodo",), 2.5),
    ("w>u", re.compile(r"w(?![aeiou])"), "u", ("bodo",), 1.5),
    ("a>e", re.compile(r"(?<=[rh])a(?=[hm])"), "e", ("mus",), 1.0),
    ("e>i", re.compile(r"(?<=[^aeiou])e(?=[^aeiou])"), "i", ("mus",), 0.5),
    ("ch>s", re.compile(r"^ch"), "s", ("asm",), 0.5),
    ("ia>iya", re.compile(r"ia"), "iya", _ALL, 1.0),
    ("iya>ia", re.compile(r"iya"), "ia", _ALL, 1.0),
    ("ua>uwa", re.compile(r"ua"), "uwa", _ALL, 0.7),
    ("ai>oi", re.compile(r"ai"), "oi", ("asm", "bnh"), 0.5),
]
_RULES_BY_COMM = {}
for _c in ("asm", "bodo", "mus", "adv", "mis", "bnh", "nep", "hin"):
    _RULES_BY_COMM[_c] = [(rx, rep, 1.0 / w) for (_n, rx, rep, cs, w) in _RULES if cs is None or _c in cs]
_KEYB = {}
for _row in ("qwertyuiop", "asdfghjkl", "zxcvbnm"):
    for _i, _c in enumerate(_row):
        _KEYB[_c] = (_row[_i - 1] if _i > 0 else "") + (_row[_i + 1] if _i + 1 < len(_row) else "")


def _apply_rule(rng, low, comm):
    rules = _RULES_BY_COMM[comm]
    rnd = rng.random
    # weighted random order (Efraimidis-Spirakis keys)
    order = sorted(((rnd() ** inv, k) for k, (_, _, inv) in enumerate(rules)), reverse=True)
    for _, k in order:
        rx, rep, _ = rules[k]
        ms = list(rx.finditer(low))
        if not ms:
            continue
        m = ms[rng.randrange(len(ms))]
        new = low[:m.start()] + m.expand(rep) + low[m.end():]
        if new and new != low:
            return new
    return low


def _typo(rng, low):
    if len(low) < 3:
        return low
    i = rng.randrange(len(low))
    op = rng.random()
    if op < 0.3:  # deletion
        return low[:i] + low[i + 1:]
    if op < 0.5:  # duplication
        return low[:i] + low[i] + low[i:]
    if op < 0.8:  # neighbour key
        nb = _KEYB.get(low[i], "")
        if nb:
            return low[:i] + nb[rng.randrange(len(nb))] + low[i + 1:]
        return low
    if i + 1 < len(low):  # transposition
        return low[:i] + low[i + 1] + low[i] + low[i + 2:]
    return low


_PROTECT = {"Md.", "Md", "Mohd.", "Mohd", "MD.", "Kr.", "Kr", "K.", "Ch.", "Ch", "Pd.", "Pd",
            "Mst.", "Sk.", "Kri.", "Bdr.", "No.", "LP", "L.P.", "L.P.S.", "LPS", "HS", "H.S.", "TE",
            "T.E.", "NH", "Rly", "Stn"}


def vary_word(rng, w, comm, p_var, p_typo):
    """Spelling variation of one word (Latin)."""
    if not w or w in _PROTECT or not w[0].isalpha():
        return w
    out = w
    tv = N.TABLE_VARIANTS.get(w)
    if tv is not None and rng.random() < p_var * 1.6:
        out = tv[min(int(rng.random() ** 1.7 * len(tv)), len(tv) - 1)]
        if " " in out or out in _PROTECT:
            return out
    elif rng.random() < p_var:
        low = out.lower()
        low = _apply_rule(rng, low, comm)
        if rng.random() < 0.2:
            low = _apply_rule(rng, low, comm)
        out = low[:1].upper() + low[1:]
    if rng.random() < p_typo:
        low = _typo(rng, out.lower())
        out = low[:1].upper() + low[1:]
    return out


def vary_text(rng, text, comm, p_var, p_typo):
    if not text:
        return text
    return " ".join(vary_word(rng, w, comm, p_var, p_typo) for w in text.split(" ") if w)


_NATIVE_CONFUSE = [  # same-script confusions only
    ("ি", "ী"), ("ী", "ি"), ("ু", "ূ"), ("ূ", "ু"), ("স", "শ"), ("শ", "স"), ("ৰ", "ড়"), ("র", "ড়"),
    ("ব", "ভ"), ("ত", "ট"), ("ন", "ণ"), ("জ", "য"), ("ছ", "চ"),
    ("ि", "ी"), ("ी", "ि"), ("ु", "ू"), ("स", "श"), ("श", "स"), ("द", "ड"), ("ब", "व"), ("न", "ण"),
]


def native_noise(rng, s):
    for _ in range(3):
        a, b = _NATIVE_CONFUSE[rng.randrange(len(_NATIVE_CONFUSE))]
        if a in s:
            idx = [i for i, c in enumerate(s) if c == a]
            i = idx[rng.randrange(len(idx))]
            return s[:i] + b + s[i + 1:]
    return s


def stray_spaces(rng, s):
    if not s:
        return s
    r = rng.random()
    if r < 0.3:
        return " " + s if rng.random() < 0.5 else s + " "
    if r < 0.6 and " " in s:
        i = s.index(" ")
        return s[:i] + "  " + s[i + 1:]
    if r < 0.85 and len(s) > 5:
        i = rng.randrange(2, len(s) - 2)
        if s[i] != " " and s[i - 1] != " ":
            return s[:i] + " " + s[i:]
        return s
    return s.replace(" ", "", 1) if " " in s else s + "  "


# =============================================================================================
# latent world
# =============================================================================================

class HH:
    __slots__ = ("hid", "clan", "comm", "dist", "village", "christian", "lang", "script",
                 "father", "mother", "md", "sep_date", "sep_place", "kids")


class Kid:
    __slots__ = ("cid", "hh", "given", "middle", "surname", "sex", "dob", "age", "pet", "twin",
                 "md", "reg", "req", "records", "requests")


class World:
    pass


def short_pet(given, sex, rng):
    g = given.split(" ")[-1] if given.startswith(("Abdul", "Abu", "Abul")) else given.split(" ")[0]
    low = g.lower()
    i = 0
    while i < len(low) and low[i] not in _V:
        i += 1
    if i >= len(low):
        return g
    j = i + 1
    while j < len(low) and low[j] in _V:
        j += 1
    if j < len(low) and low[j] not in _V:
        j += 1
        if low[j - 1] == "h" and j < len(low) and low[j] not in _V:
            j += 1
    base = low[:j]
    if base[-1] in _V:
        suf = rng.choice(["", "tu", "nu", "mon" if sex == "m" else "moni"])
    else:
        suf = rng.choice(["u", "u", "a", "i"] if sex == "m" else ["i", "u", "a", "moni"])
    pet = (base + suf)
    if len(pet) < 3 or pet == low:
        pet = low[:3] + ("u" if sex == "m" else "i")
    return pet[:1].upper() + pet[1:]


def district_village_pools(rng, R):
    """Fixed-size village pools per district (independent of registry size)."""
    pools = {}
    for d, info in N.DISTRICTS.items():
        size = 70 + 35 * info["w"]
        vills_by_flav = {}
        comm_pool = Pool(list(info["comm"].keys()), list(info["comm"].values()))
        used = {}
        for k in range(size):
            comm = comm_pool.pick(rng)
            flav = comm if comm in N.VILLAGE_ROOTS else "asm"
            if comm in ("nep", "hin"):
                flav = "asm" if d not in ("Cachar", "Hailakandi", "Sribhumi", "Dima Hasao") else "bnh"
            if d in ("Cachar", "Hailakandi", "Sribhumi") and flav == "asm":
                flav = "bnh"
            town = info["towns"][min(int(rng.random() ** 1.5 * len(info["towns"])), len(info["towns"]) - 1)]
            if flav == "adv":
                est = rng.choice(N.TEA_ESTATES)
                v = ("tea", est, rng.randint(1, 12), None, None, town)
            else:
                root = rng.choice(N.VILLAGE_ROOTS[flav])
                suf = wchoice(rng, N.VILLAGE_SUFFIXES[flav])
                pre = None
                num = None
                r = rng.random()
                if r < 0.22:
                    pre = rng.choice(list(N.VILLAGE_PREFIXES.keys()))
                elif r < 0.36:
                    num = rng.choice([1, 2, 2, 3, 4])
                if flav == "mus" and suf == "char" and rng.random() < 0.5:
                    pre, suf = "Char", ""
                v = ("vill", root, suf, pre, num, town)
            key = v[:5]
            if key in used:
                continue
            used[key] = 1
            vills_by_flav.setdefault(flav, []).append(v)
        pools[d] = {f: zipf_pool(lst, 0.6, 3.0) for f, lst in vills_by_flav.items()}
    return pools


def flav_of(comm, dist):
    if comm in ("nep", "hin"):
        return "bnh" if dist in ("Cachar", "Hailakandi", "Sribhumi", "Dima Hasao") else "asm"
    if dist in ("Cachar", "Hailakandi", "Sribhumi") and comm == "asm":
        return "bnh"
    return comm


def assign_fates(rng, h, R):
    """Registered? requested (0/1/2)?  Correlated within the household."""
    p_reg, p_req = R["p_reg"], R["p_req"]
    if rng.random() < R["siblings_found_together"]:
        v = rng.random() < p_reg
        for kd in h.kids:
            kd.reg = v
    else:
        for kd in h.kids:
            kd.reg = rng.random() < p_reg
    if rng.random() < R["family_files_for_all"]:
        v = rng.random() < p_req
        for kd in h.kids:
            kd.req = 1 if v else 0
    else:
        for kd in h.kids:
            kd.req = 1 if rng.random() < p_req else 0
    for kd in h.kids:
        if kd.req and rng.random() < R["second_request"]:
            kd.req = 2
    return sum(1 for kd in h.kids if kd.reg)


def build_world(rng, R, n_target_registered):
    W = World()
    W.rates = R
    W.vpools = district_village_pools(rng, R)
    dist_names = list(N.DISTRICTS.keys())
    W.dist_pool = Pool(dist_names, [N.DISTRICTS[d]["w"] for d in dist_names])
    # name pools (fixed; Zipf-like)
    W.np = {}
    for c, info in N.COMMUNITIES.items():
        p = {}
        p["m"] = zipf_pool(info["male"], R["zipf_given"], 4.0)
        p["f"] = zipf_pool(info["female"], R["zipf_given"], 4.0)
        p["sur"] = zipf_pool(info["surnames"], R["zipf_surname"], 1.5)
        p["am"] = zipf_pool(info["adult_male"], R["zipf_given"] * 0.9)
        p["af"] = zipf_pool(info["adult_female"], R["zipf_given"] * 0.9)
        p["pm"] = zipf_pool(info["pets_m"] + N.GENERIC_PETS_M, 0.9)
        p["pf"] = zipf_pool(info["pets_f"] + N.GENERIC_PETS_F, 0.9)
        if "christian_male" in info:
            p["cm"] = zipf_pool(info["christian_male"], 0.9)
            p["cf"] = zipf_pool(info["christian_female"], 0.9)
        W.np[c] = p
    # flood waves per district
    W.waves = {}
    for d, info in N.DISTRICTS.items():
        barak = d in ("Cachar", "Hailakandi", "Sribhumi", "Dima Hasao")
        if barak:
            w = [(dt.date(2024, 5, 29) + dt.timedelta(rng.randint(0, 4)), 0.35),
                 (dt.date(2024, 6, 17) + dt.timedelta(rng.randint(0, 5)), 0.5),
                 (dt.date(2024, 7, 3) + dt.timedelta(rng.randint(0, 5)), 0.15)]
        else:
            w = [(dt.date(2024, 6, 17) + dt.timedelta(rng.randint(0, 6)), 0.35),
                 (dt.date(2024, 7, 1) + dt.timedelta(rng.randint(0, 6)), 0.5),
                 (dt.date(2024, 8, 22) + dt.timedelta(rng.randint(0, 5)), 0.15)]
        W.waves[d] = w

    hhs = []
    kids = []
    clan_id = 0
    n_registered = 0
    while n_registered < n_target_registered:
        clan_id += 1
        csize = wchoice(rng, R["clan_size"])
        dist = W.dist_pool.pick(rng)
        info = N.DISTRICTS[dist]
        comm = wchoice(rng, list(info["comm"].items()))
        cinfo = N.COMMUNITIES[comm]
        flav = flav_of(comm, dist)
        vp = W.vpools[dist].get(flav) or W.vpools[dist].get("asm") or next(iter(W.vpools[dist].values()))
        village = vp.pick(rng)
        clan_sur = W.np[comm]["sur"].pick(rng)
        wave = wchoice(rng, W.waves[dist])
        base_date = wave + dt.timedelta(rng.randint(0, 4))
        base_place = sep_place_latent(rng, W, dist, village, comm)
        lang = wchoice(rng, cinfo["language"])
        christian = comm == "adv" and rng.random() < 0.25
        fathers_used = []
        for b in range(csize):
            h = HH()
            h.hid = len(hhs)
            h.clan = clan_id
            h.comm = comm
            h.dist = dist
            h.village = village
            h.christian = christian
            h.lang = lang if rng.random() < 0.9 else wchoice(rng, cinfo["language"])
            h.script = wchoice(rng, cinfo["scripts"])
            if comm == "mus":
                h.script = "as" if h.lang == "assamese" and rng.random() < 0.7 else "bn"
            # father
            while True:
                fg = W.np[comm]["am"].pick(rng)
                if fg not in fathers_used:
                    break
            fathers_used.append(fg)
            fmid = ""
            for mname, p in cinfo.get("father_middle", []):
                if rng.random() < p:
                    fmid = mname
                    break
            if comm == "mus":
                fsur = clan_sur if (b == 0 or rng.random() < 0.6) else W.np[comm]["sur"].pick(rng)
                fmd = rng.random() < 0.6
            else:
                fsur = clan_sur
                fmd = False
            h.father = (fg, fmid, fsur, fmd)
            mg = W.np[comm]["af"].pick(rng)
            maiden = W.np[comm]["sur"].pick(rng)
            if maiden == fsur:
                maiden = W.np[comm]["sur"].pick(rng)
            mcustom = wchoice(rng, cinfo["mother_custom"]) if comm == "mus" else ""
            h.mother = (mg, maiden, mcustom)
            h.md = fmd or (comm == "mus" and rng.random() < 0.45)
            h.sep_date = base_date + dt.timedelta(rng.randint(-1, 1) if b else 0)
            h.sep_place = base_place if (b == 0 or rng.random() < 0.5) else sep_place_latent(rng, W, dist, village, comm)
            h.kids = []
            hhs.append(h)
            make_kids(rng, W, h, R, kids)
            n_registered += assign_fates(rng, h, R)
    W.hhs = hhs
    W.kids = kids
    return W


def make_kids(rng, W, h, R, kids):
    comm = h.comm
    cinfo = N.COMMUNITIES[comm]
    n = wchoice(rng, R["kids_per_hh"])
    # ages: eldest separated child, then younger siblings
    eldest = wchoice(rng, [(a, w) for a, w in zip(range(18), [2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 11, 11, 10, 9, 8, 6, 4])])
    ages = [eldest]
    while len(ages) < n:
        a = ages[-1] - rng.randint(1, 4)
        if a < 0:
            break
        ages.append(a)
    twin_at = -1
    if len(ages) >= 2 and rng.random() < R["twin_hh"]:
        twin_at = rng.randrange(len(ages))
        ages.insert(twin_at + 1, ages[twin_at])
    used_given = []
    fg, fmid, fsur, fmd = h.father
    twin_dob = None
    prev = None
    for k, age in enumerate(ages):
        kd = Kid()
        kd.cid = len(kids)
        kd.hh = h
        is_twin2 = (k == twin_at + 1 and twin_at >= 0)
        if is_twin2:
            if rng.random() < R["twin_mixed_sex"]:
                kd.sex = "f" if prev.sex == "m" else "m"
            else:
                kd.sex = prev.sex
        else:
            kd.sex = "m" if rng.random() < 0.52 else "f"
        # given name
        if is_twin2:
            kd.given = twin_name(rng, W, comm, h, prev, kd.sex, used_given)
        else:
            kd.given = pick_given(rng, W, comm, h, kd.sex, used_given)
        used_given.append(kd.given)
        # middle
        kd.middle = ""
        for mname, p in cinfo["male_middle" if kd.sex == "m" else "female_middle"]:
            if rng.random() < p:
                kd.middle = mname
                break
        # family name
        if comm == "mus":
            if kd.sex == "f":
                ff = wchoice(rng, cinfo["female_family"])
                kd.surname = fsur if ff == "FATHER" else ff
            else:
                kd.surname = fsur if rng.random() < 0.55 else W.np[comm]["sur"].pick(rng)
            kd.md = kd.sex == "m" and h.md
        else:
            kd.surname = fsur
            kd.md = False
        # dob / age
        if is_twin2:
            kd.dob = twin_dob
        else:
            kd.dob = REF_DATE - dt.timedelta(days=int(age * 365.25) + rng.randint(1, 364))
        if k == twin_at:
            twin_dob = kd.dob
        kd.age = age_on(kd.dob, REF_DATE)
        # pet name
        if rng.random() < R["has_pet"]:
            if rng.random() < 0.5:
                kd.pet = short_pet(kd.given, kd.sex, rng)
            else:
                kd.pet = W.np[comm]["pm" if kd.sex == "m" else "pf"].pick(rng)
        else:
            kd.pet = ""
        kd.twin = None
        if is_twin2:
            kd.twin = prev
            prev.twin = kd
        kd.reg = False
        kd.req = 0
        kd.records = []
        kd.requests = []
        h.kids.append(kd)
        kids.append(kd)
        prev = kd


def pick_given(rng, W, comm, h, sex, used):
    p = W.np[comm]
    for _ in range(20):
        if h.christian and rng.random() < 0.7:
            g = p["cm" if sex == "m" else "cf"].pick(rng)
        else:
            g = p[sex].pick(rng)
        if g not in used:
            return g
    return g


def twin_name(rng, W, comm, h, first, sex, used):
    if rng.random() < 0.3:
        key = (first.sex, sex)
        if key in N.TWIN_PAIRS:
            pairs = N.TWIN_PAIRS[key]
        else:
            pairs = [(b, a, grp) for a, b, grp in N.TWIN_PAIRS[(sex, first.sex)]]
        grp = "mus" if comm == "mus" else "hin"
        pairs = [p for p in pairs if p[2] == grp]
        a, b, _ = pairs[rng.randrange(len(pairs))]
        # rename the first twin too so the pair is a classic one
        if a not in used[:-1] and b not in used:
            used[-1] = a
            first.given = a
            return b
    if rng.random() < 0.75:  # alliterative: same initial
        p = W.np[comm][sex]
        cands = [g for g in p.items if g[0] == first.given[0] and g != first.given and g not in used]
        if cands:
            return cands[min(int(rng.random() ** 1.5 * len(cands)), len(cands) - 1)]
    return pick_given(rng, W, comm, h, sex, used)


def age_on(dob, ref):
    a = ref.year - dob.year - ((ref.month, ref.day) < (dob.month, dob.day))
    return max(a, 0)


def sep_place_latent(rng, W, dist, village, comm):
    info = N.DISTRICTS[dist]
    kinds = list(N.SEPARATION_KINDS)
    if comm == "adv":
        kinds = kinds + [("tea", 0.35)]
    if comm == "mus":
        kinds = kinds + [("madrassa", 0.05)]
    if comm in ("asm", "mis"):
        kinds = [(k, w * (2.0 if k == "namghar" else 1.0)) for k, w in kinds]
    kind = wchoice(rng, kinds)
    if rng.random() < 0.7:
        v = village
    else:
        pools = W.vpools[dist]
        v = next(iter(pools.values())).pick(rng) if pools else village
    rivers = info["rivers"]
    river = rivers[min(int(rng.random() ** 2 * len(rivers)), len(rivers) - 1)]
    town = v[5] if rng.random() < 0.7 else rng.choice(info["towns"])
    valley = "Barak" if dist in ("Cachar", "Hailakandi", "Sribhumi", "Dima Hasao") else "Brahmaputra"
    nh = rng.choice(N.HIGHWAYS[valley])
    est = v[1] if v[0] == "tea" else rng.choice(N.TEA_ESTATES)
    return (kind, v, town, river, nh, rng.randint(1, 9), est)


def neighbour_of(rng, dist):
    info = N.DISTRICTS[dist]
    nbs = info["nb"]
    lon = info["lon"]
    # downstream (west) neighbours twice as likely
    return wchoice(rng, [(n, 2.0 if N.DISTRICTS[n]["lon"] < lon else 1.0) for n in nbs])


# =============================================================================================
# agencies (child-record writers)
# =============================================================================================

def make_agencies(rng, R):
    ags = []
    for d in N.DISTRICTS:
        ags.append(agency(rng, "DCPU " + d, [d], dcpu=True))
    west = ["Dhubri", "South Salmara-Mankachar", "Kokrajhar", "Chirang", "Bongaigaon", "Goalpara",
            "Barpeta", "Bajali"]
    central = ["Kamrup", "Kamrup Metropolitan", "Nalbari", "Baksa", "Tamulpur", "Darrang", "Udalguri",
               "Morigaon", "Nagaon", "Hojai", "Sonitpur", "Biswanath", "Karbi Anglong", "West Karbi Anglong"]
    upper = ["Lakhimpur", "Dhemaji", "Majuli", "Jorhat", "Golaghat", "Sivasagar", "Charaideo",
             "Dibrugarh", "Tinsukia"]
    barak = ["Cachar", "Hailakandi", "Sribhumi", "Dima Hasao"]
    allD = list(N.DISTRICTS.keys())
    for name, cov in [("NGO-A", allD), ("NGO-B", allD), ("NGO-C", allD), ("NGO-W", west),
                      ("NGO-W2", west + central[:4]), ("NGO-C1", central), ("NGO-U", upper),
                      ("NGO-U2", upper + ["Biswanath", "Sonitpur"]), ("NGO-B1", barak), ("NGO-B2", barak)]:
        ags.append(agency(rng, name, cov, dcpu=False))
    # at most a few agencies write everything in capitals
    caps = [a for a in ags if a["caps"]]
    by_dist = {}
    for i, a in enumerate(ags):
        for d in a["cov"]:
            by_dist.setdefault(d, []).append(i)
    return ags, by_dist


def agency(rng, name, cov, dcpu):
    return {
        "name": name, "cov": cov, "dcpu": dcpu,
        "caps": rng.random() < 0.15,
        "var": uni(rng, 0.10, 0.22),
        "typo": uni(rng, 0.02, 0.045),
        "md_write": uni(rng, 0.5, 0.85),
        "abbr": uni(rng, 0.2, 0.7),
        "middle_write": uni(rng, 0.4, 0.85),
        "nick_write": uni(rng, 0.15, 0.4),
        "sex_style": wchoice(rng, [("M/F", 0.4), ("male/female", 0.2), ("Male/Female", 0.4)]),
        "native": uni(rng, 0.6, 1.4),  # multiplier on the native-script rate
        "lang_blank": uni(rng, 0.03, 0.15),
        "heap": uni(rng, 0.25, 0.5),
    }


# =============================================================================================
# rendering: names
# =============================================================================================

def render_md(rng):
    return wchoice(rng, N.MD_FORMS)


def middle_form(rng, mid, p_abbr):
    if not mid:
        return ""
    if rng.random() < p_abbr:
        forms = N.MIDDLE_ABBR.get(mid, [mid])
        return forms[rng.randrange(len(forms))]
    return mid


def switch_form(rng, g, p):
    if rng.random() < p:
        if g in N.LONG_FORMS:
            return N.LONG_FORMS[g]
        if g in N.SHORT_FORMS:
            return N.SHORT_FORMS[g]
    return g


def child_name_parts(rng, kd, side):
    """Return (first, last, nick) as canonical-word strings, before spelling noise.

    side: dict with keys pet_only, drop_sur, md_write, middle_write, abbr, nick_write,
          hon, swap, full_in_first, missplit, family (bool), short_long
    """
    comm = kd.hh.comm
    given = switch_form(rng, kd.given, side["short_long"])
    first = given
    nick = ""
    pet_only = kd.pet and rng.random() < side["pet_only"]
    if pet_only:
        first = kd.pet
        if rng.random() < 0.1:
            nick = kd.pet
    else:
        if kd.pet and rng.random() < side["nick_write"]:
            nick = kd.pet
    md = ""
    if kd.md and not pet_only and rng.random() < side["md_write"]:
        md = render_md(rng)
    mid = ""
    if kd.middle and not pet_only and rng.random() < side["middle_write"]:
        mid = middle_form(rng, kd.middle, side["abbr"])
    last = kd.surname
    # honorific / custom on one side
    if kd.sex == "f":
        if comm == "mus":
            if last in N.MUSLIM_FEMALE_SWAP and rng.random() < side["hon"] * 1.3:
                sw = N.MUSLIM_FEMALE_SWAP[last]
                last = sw[rng.randrange(len(sw))]
            elif rng.random() < side["hon"] * 0.5:
                last = kd.hh.father[2]
            if rng.random() < side["hon"] * 0.6:
                md = "Mst."
        elif rng.random() < side["hon"]:
            hs = N.FEMALE_HONORIFIC_FAMILY.get(comm, ["Devi"])
            last = hs[rng.randrange(len(hs))]
            if last == mid:
                mid = ""
    elif comm == "mus" and rng.random() < side["hon"] * 0.5:
        last = kd.hh.father[2]
    if rng.random() < side["drop_sur"]:
        last = ""
    # assemble
    fparts = [p for p in (md, first) if p]
    lparts = [last] if last else []
    if mid:
        if rng.random() < 0.8 or not lparts:
            fparts.append(mid)
        else:
            lparts.insert(0, mid)
    f = " ".join(fparts)
    l = " ".join(lparts)
    r = rng.random()
    if r < side["full_in_first"] and l:
        f, l = f + " " + l, ""
    elif r < side["full_in_first"] + side["swap"] and l:
        f, l = l, f
    elif r < side["full_in_first"] + side["swap"] + side["missplit"]:
        # mis-split: "Md." | "Rafiqul Islam", "Abdul" | "Karim Ali", "Bikash" | "Kumar Das"
        ws = (f + " " + l).split() if l else f.split()
        if len(ws) >= 3:
            cut = 1 if md else (len(ws) - 1 if rng.random() < 0.3 else 1)
            f, l = " ".join(ws[:cut]), " ".join(ws[cut:])
    return f, l, nick


def father_string(rng, h, mode, p_abbr, p_sl, comm, child_words=False):
    fg, fmid, fsur, fmd = h.father
    if mode == "blank":
        return ""
    if mode == "word":
        ws = N.CHILD_WORDS_FATHER.get(comm, ["Papa"])
        return ws[rng.randrange(len(ws))]
    g = switch_form(rng, fg, p_sl)
    if mode == "given":
        return g
    parts = []
    if fmd and rng.random() < 0.7:
        parts.append(render_md(rng))
    parts.append(g)
    if fmid and rng.random() < 0.7:
        parts.append(middle_form(rng, fmid, p_abbr))
    parts.append(fsur)
    if comm == "mus" and fsur in ("Ali", "Sheikh", "Mia") and rng.random() < 0.15:
        parts = parts[:-1]  # "Sukur" for "Sukur Ali"
    return " ".join(parts)


def mother_string(rng, h, mode, comm):
    mg, maiden, custom = h.mother
    if mode == "blank":
        return ""
    if mode == "word":
        ws = N.CHILD_WORDS_MOTHER.get(comm, ["Maa"])
        return ws[rng.randrange(len(ws))]
    if mode == "given":
        return mg
    cinfo = N.COMMUNITIES[comm]
    if comm == "mus":
        c = custom
        if rng.random() < 0.15:
            c = wchoice(rng, cinfo["mother_custom"])
        if c == "husband":
            return mg + " " + h.father[2]
        if rng.random() < 0.05:
            return "Mst. " + mg + " " + c
        return mg + " " + c
    form = wchoice(rng, cinfo["mother_forms"])
    if form == "husband":
        return mg + " " + h.father[2]
    if form == "devi":
        return mg + " Devi"
    if form == "rani":
        return mg + " Rani " + h.father[2]
    return mg + " " + maiden


# =============================================================================================
# rendering: places, dates, misc
# =============================================================================================

def render_district(rng, d, p_parent, p_var, p_typo):
    info = N.DISTRICTS[d]
    if info["parent"]:
        pp = 0.65 if d == "Sribhumi" else p_parent
        if rng.random() < pp:
            return info["parent"][rng.randrange(len(info["parent"]))]
    if rng.random() < p_var:
        v = info["var"]
        out = v[rng.randrange(len(v))]
    else:
        out = d
    if rng.random() < p_typo:
        low = _typo(rng, out.lower())
        out = low[:1].upper() + low[1:]
    if rng.random() < 0.04:
        out = out + " Dist." if rng.random() < 0.5 else out + " district"
    return out


def render_village(rng, v, comm, p_var, p_typo, short=False):
    kind = v[0]
    if kind == "tea":
        est, line = v[1], v[2]
        s = rng.choice(N.TEA_FORMS).format(x=est)
        if not short and rng.random() < 0.3:
            s += rng.choice([" Line No. {k}", " No.{k} line", " {k} No. Line"]).format(k=line)
        return vary_text(rng, s, comm, p_var * 0.5, p_typo)
    _, root, suf, pre, num, town = v
    # suffix spelling and joining
    if suf:
        sp = N.SUFFIX_SPELLINGS.get(suf, [suf])
        sfx = sp[0] if rng.random() < 0.75 else sp[rng.randrange(len(sp))]
    else:
        sfx = ""
    root_v = vary_word(rng, root, comm, p_var * 0.8, p_typo)
    if sfx and rng.random() < 0.25:
        core = root_v + " " + sfx.capitalize()
    else:
        core = root_v + sfx
    if pre and pre != "Char":
        if rng.random() < 0.85:
            alts = N.VILLAGE_PREFIXES[pre]
            p = alts[0] if rng.random() < 0.65 else alts[rng.randrange(len(alts))]
            core = p + " " + core if rng.random() < 0.9 else core + " (" + p + ")"
    elif pre == "Char":
        core = "Char " + core if rng.random() < 0.75 else core + " Char" if rng.random() < 0.5 else "Char" + core.lower()
    if num and rng.random() < 0.85:
        fmt = N.NUMBER_FORMATS[0] if rng.random() < 0.4 else N.NUMBER_FORMATS[rng.randrange(len(N.NUMBER_FORMATS))]
        core = fmt.format(n=num, v=core, r=N.ROMAN.get(num, str(num)))
    if not short:
        r = rng.random()
        if r < 0.05:
            core = "Vill. " + core
        elif r < 0.08:
            core = core + " village"
        elif r < 0.10:
            core = core + ", " + town
    return core


def render_river(rng, r):
    if r in N.RIVER_SYNONYMS and rng.random() < 0.6:
        s = N.RIVER_SYNONYMS[r]
        return s[rng.randrange(len(s))]
    return r


def render_place(rng, place, comm, p_var, p_typo):
    kind, v, town, river, nh, k, est = place
    forms = N.SEPARATION_FORMS[kind]
    f = forms[min(int(rng.random() ** 1.3 * len(forms)), len(forms) - 1)]
    s = f.format(V=render_village(rng, v, comm, p_var, p_typo, short=True) if "{V}" in f else "",
                 T=town, R=render_river(rng, river), N=nh, k=k, X=est)
    r = rng.random()
    if r < 0.25:
        s = s.lower()
    elif r < 0.3:
        s = s.upper()
    if rng.random() < p_typo:
        s = _typo(rng, s)
    return s


def found_place_latent(rng, W, dist, comm):
    kinds = [("relief_camp", 0.35), ("lp_school", 0.2), ("hs_school", 0.12), ("railway", 0.1),
             ("namghar", 0.06), ("ghat", 0.07), ("bus", 0.06), ("market", 0.04)]
    if comm == "mus":
        kinds.append(("madrassa", 0.05))
    kind = wchoice(rng, kinds)
    pools = W.vpools[dist]
    keys = list(pools.keys())
    v = pools[keys[rng.randrange(len(keys))]].pick(rng)
    info = N.DISTRICTS[dist]
    town = v[5] if rng.random() < 0.6 else rng.choice(info["towns"])
    river = info["rivers"][0]
    valley = "Barak" if dist in ("Cachar", "Hailakandi", "Sribhumi", "Dima Hasao") else "Brahmaputra"
    return (kind, v, town, river, rng.choice(N.HIGHWAYS[valley]), rng.randint(1, 9),
            v[1] if v[0] == "tea" else rng.choice(N.TEA_ESTATES))


def fmt_date(d, dmy):
    if d is None:
        return ""
    if dmy:
        return "%02d/%02d/%04d" % (d.day, d.month, d.year)
    return d.isoformat()


def dob_report(rng, kd, reported_age, modes):
    """modes: list of (mode, weight) among exact/jan1/swap/year."""
    m = wchoice(rng, modes)
    d = kd.dob
    if m == "jan1":
        y = REF_DATE.year - (reported_age if reported_age is not None else kd.age) - 1
        if rng.random() < 0.5:
            y += 1
        return dt.date(y, 1, 1)
    if m == "swap":
        if d.day <= 12 and d.day != d.month:
            return dt.date(d.year, d.day, d.month)
        return d
    if m == "year":
        return dt.date(d.year + rng.choice((-1, 1)), d.month, min(d.day, 28))
    return d


def heap_age(rng, e, p_heap):
    if rng.random() < p_heap:
        if e >= 4 and e % 5 in (1, 4) and rng.random() < 0.5:
            e = int(round(e / 5.0) * 5)
        elif e % 2 == 1:
            e += rng.choice((-1, 1))
    return e


def caseworker_age(rng, kd, p_heap):
    t = kd.age
    if t >= 10 and rng.random() < 0.85:       # older children state their age
        e = t + wchoice(rng, [(0, 0.72), (1, 0.12), (-1, 0.12), (2, 0.02), (-2, 0.02)])
        e = heap_age(rng, e, p_heap * 0.3)
    elif 5 <= t < 10 and rng.random() < 0.5:
        e = t + wchoice(rng, [(0, 0.6), (1, 0.18), (-1, 0.18), (2, 0.04)])
        e = heap_age(rng, e, p_heap * 0.5)
    else:                                      # caseworker's estimate
        sd = 1.3 if t < 3 else (1.7 if t < 10 else 1.6)
        e = int(round(t + rng.gauss(0, sd)))
        e = heap_age(rng, e, p_heap)
    return max(0, min(e, 18))


def family_age(rng, kd, filer):
    t = kd.age
    if filer in ("mother", "father"):
        d = wchoice(rng, [(0, 0.87), (1, 0.06), (-1, 0.05), (2, 0.02)])
    elif filer == "sibling":
        d = wchoice(rng, [(0, 0.65), (1, 0.15), (-1, 0.15), (2, 0.05)])
    else:
        d = wchoice(rng, [(0, 0.5), (1, 0.18), (-1, 0.18), (2, 0.07), (-2, 0.07)])
        if rng.random() < 0.2:
            return heap_age(rng, max(0, t + d), 0.6)
    return max(0, t + d)


def sex_str(rng, s, alt_rate, style="M/F"):
    if not s:
        return ""
    if rng.random() < alt_rate:
        st = style if rng.random() < 0.6 else rng.choice(["M/F", "male/female", "Male/Female"])
        if st == "M/F":
            return s.upper()
        if st == "male/female":
            return "male" if s == "m" else "female"
        return "Male" if s == "m" else "Female"
    return s


def lang_str(rng, h, side_child, blank):
    if rng.random() < blank:
        return ""
    lang = h.lang
    if side_child:
        r = rng.random()
        if h.comm == "mis" and r < 0.3:
            return "assamese"
        if h.comm == "mus" and r < 0.12:
            return "assamese" if lang == "bengali" else "bengali"
        if h.comm == "adv" and r < 0.25:
            return "hindi" if lang == "sadri" else "sadri"
        if h.comm == "bodo" and r < 0.06:
            return "assamese"
        if h.comm == "nep" and r < 0.05:
            return "hindi"
    return lang


# =============================================================================================
# record writers
# =============================================================================================

_PLAIN_VILLAGE = re.compile(r"^(?!Vill)(?!No)(?!.*[A-Z]{2})[A-Za-z ]+$")


def finalize_names(rng, rec, comm, native, script, bodo, p_var, p_typo, caps, p_stray, keys):
    for k in keys:
        s = rec[k]
        if not s:
            continue
        if native:
            s = N.to_native(s, script, bodo)
            if rng.random() < 0.12:
                s = native_noise(rng, s)
        else:
            s = vary_text(rng, s, comm, p_var, p_typo)
            if caps:
                s = s.upper()
        if rng.random() < p_stray:
            s = stray_spaces(rng, s)
        rec[k] = s


def child_record(rng, W, kd, ev, ag):
    R = W.rates
    h = kd.hh
    comm = h.comm
    t = kd.age
    young = t < 5
    mid = 5 <= t < 10
    side = {
        "pet_only": 0.6 if young else (0.2 if mid else 0.04),
        "drop_sur": 0.42 if young else (0.2 if mid else 0.1),
        "md_write": ag["md_write"], "middle_write": ag["middle_write"], "abbr": ag["abbr"],
        "nick_write": ag["nick_write"], "hon": 0.09, "swap": 0.03, "full_in_first": 0.05,
        "missplit": 0.05, "short_long": R["short_long_switch"] * 0.5,
    }
    f, l, nick = child_name_parts(rng, kd, side)
    rec = {"name_first": f, "name_last": l, "name_nickname": nick}
    # age / dob
    age = caseworker_age(rng, kd, ag["heap"])
    if rng.random() < 0.04:
        age = None
    rec["age"] = "" if age is None else str(age)
    dmy = rng.random() < R["date_dmy"]
    if rng.random() < (0.04 if young else 0.13):
        d = dob_report(rng, kd, age, [("exact", 0.4), ("jan1", 0.3), ("swap", 0.15), ("year", 0.15)])
        rec["date_of_birth"] = fmt_date(d, dmy)
    else:
        rec["date_of_birth"] = ""
    rec["sex"] = sex_str(rng, kd.sex if rng.random() > 0.02 else "", R["sex_alt_format"], ag["sex_style"])
    # parents
    if young:
        fm = wchoice(rng, [("blank", 0.32), ("given", 0.43), ("word", 0.1), ("full", 0.15)])
        mm = wchoice(rng, [("blank", 0.3), ("given", 0.45), ("word", 0.13), ("full", 0.12)])
    elif mid:
        fm = wchoice(rng, [("blank", 0.14), ("given", 0.36), ("full", 0.5)])
        mm = wchoice(rng, [("blank", 0.16), ("given", 0.42), ("full", 0.42)])
    else:
        fm = wchoice(rng, [("blank", 0.07), ("given", 0.11), ("full", 0.82)])
        mm = wchoice(rng, [("blank", 0.09), ("given", 0.2), ("full", 0.71)])
    rec["father_name"] = father_string(rng, h, fm, ag["abbr"], R["short_long_switch"], comm)
    rec["mother_name"] = mother_string(rng, h, mm, comm)
    # village: home village, nearest town or nothing
    vm = wchoice(rng, [("village", 0.35), ("town", 0.25), ("blank", 0.4)] if young else
                 ([("village", 0.7), ("town", 0.15), ("blank", 0.15)] if mid else
                  [("village", 0.85), ("town", 0.08), ("blank", 0.07)]))
    if vm == "village":
        rec["village"] = render_village(rng, h.village, comm, ag["var"], ag["typo"])
    elif vm == "town":
        town = h.village[5] if rng.random() < 0.7 else rng.choice(N.DISTRICTS[h.dist]["towns"])
        rec["village"] = town if rng.random() < 0.8 else "near " + town
    else:
        rec["village"] = ""
    # district: where the child is registered (found); older children sometimes give home district
    dist = ev["dist"]
    if dist != h.dist and t >= 10 and rng.random() < 0.2:
        dist = h.dist
    rec["district"] = render_district(rng, dist, R["district_parent_name"] * 0.8, R["district_variant"], ag["typo"] * 0.5)
    if rng.random() < 0.015:
        rec["district"] = ""
    # separation place and date
    pm = wchoice(rng, [("found", 0.5), ("latent", 0.2), ("blank", 0.3)] if t < 8 else
                 [("found", 0.12), ("latent", 0.73), ("blank", 0.15)])
    if pm == "found":
        rec["location_separation"] = render_place(rng, ev["place"], comm, ag["var"], ag["typo"])
    elif pm == "latent":
        rec["location_separation"] = render_place(rng, h.sep_place, comm, ag["var"], ag["typo"])
    else:
        rec["location_separation"] = ""
    dm = wchoice(rng, [("found", 0.5), ("stated", 0.3), ("blank", 0.2)] if t < 8 else
                 [("found", 0.06), ("stated", 0.8), ("blank", 0.14)])
    if dm == "found":
        sd = ev["date"]
    elif dm == "stated":
        sd = h.sep_date + dt.timedelta(days=wchoice(rng, [(0, 0.5), (1, 0.12), (-1, 0.12), (2, 0.08), (-2, 0.08), (3, 0.05), (-3, 0.05)]))
    else:
        sd = None
    rec["date_of_separation"] = fmt_date(sd, dmy)
    rec["language"] = lang_str(rng, h, True, ag["lang_blank"])
    # script
    native = rng.random() < R["native_child"] * ag["native"]
    script = h.script if rng.random() < 0.8 else "as"
    bodo = comm == "bodo"
    finalize_names(rng, rec, comm, native, script, bodo, ag["var"], ag["typo"], ag["caps"], 0.03,
                   ("name_first", "name_last", "name_nickname", "mother_name", "father_name"))
    if native and rec["village"] and rng.random() < 0.4 and _PLAIN_VILLAGE.match(rec["village"]):
        rec["village"] = N.to_native(rec["village"], script, bodo)
    elif ag["caps"]:
        rec["village"] = rec["village"].upper()
        rec["location_separation"] = rec["location_separation"].upper()
        rec["district"] = rec["district"].upper()
    return rec


def copy_edit(rng, W, rec, ag):
    """A lightly edited copy of another agency's record."""
    R = W.rates
    c = dict(rec)
    n_edits = wchoice(rng, [(1, 0.5), (2, 0.35), (3, 0.15)])
    for _ in range(n_edits):
        e = rng.randrange(9)
        if e == 0:
            for k in ("name_first", "name_last", "name_nickname", "mother_name", "father_name", "village"):
                c[k] = c[k].upper() if rng.random() < 0.5 else c[k].title()
        elif e == 1:
            c["name_nickname"] = ""
        elif e == 2 and c["age"]:
            a = int(c["age"]) + rng.choice((-1, 1))
            c["age"] = str(max(a, 0)) if rng.random() < 0.8 else ""
        elif e == 3:
            s = c["sex"].lower()[:1]
            c["sex"] = sex_str(rng, s, 0.5, ag["sex_style"])
        elif e == 4:
            k = rng.choice(("name_first", "name_last", "father_name", "mother_name"))
            if c[k] and c[k].isascii():
                c[k] = _typo(rng, c[k].lower()).title()
        elif e == 5:
            for k in ("date_of_birth", "date_of_separation"):
                v = c[k]
                if v and "-" in v:
                    y, m, d = v.split("-")
                    c[k] = "%s/%s/%s" % (d, m, y)
                elif v and "/" in v:
                    d, m, y = v.split("/")
                    c[k] = "%s-%s-%s" % (y, m, d)
        elif e == 6:
            c["village"] = "" if rng.random() < 0.5 else c["village"].replace(" ", "", 1)
        elif e == 7:
            c["district"] = c["district"].upper() if rng.random() < 0.5 else c["district"].strip() + " "
        else:
            c["name_first"] = c["name_first"].strip() + " "
    return c


def request_record(rng, W, kd, filer):
    R = W.rates
    h = kd.hh
    comm = h.comm
    parent = filer in ("mother", "father")
    grand = filer in ("grandmother", "grandfather")
    p_var = R["var_request"] * (1.0 if parent else 1.4)
    p_typo = R["typo_request"] * (1.0 if parent else 1.3)
    side = {
        "pet_only": 0.0 if parent else (0.08 if grand else 0.03),
        "drop_sur": 0.03 if parent else 0.06,
        "md_write": 0.8, "middle_write": 0.75, "abbr": 0.35,
        "nick_write": 0.72 if parent or grand or filer == "sibling" else 0.5,
        "hon": 0.045, "swap": 0.02, "full_in_first": 0.03, "missplit": 0.03,
        "short_long": R["short_long_switch"] * 0.3,
    }
    f, l, nick = child_name_parts(rng, kd, side)
    rec = {"name_first": f, "name_last": l, "name_nickname": nick}
    age = family_age(rng, kd, filer)
    if rng.random() < 0.02:
        age = None
    rec["age"] = "" if age is None else str(age)
    dmy = rng.random() < R["date_dmy"]
    p_dob = 0.35 if parent else 0.12
    if rng.random() < p_dob:
        modes = ([("exact", 0.7), ("jan1", 0.1), ("swap", 0.1), ("year", 0.1)] if parent else
                 [("exact", 0.45), ("jan1", 0.25), ("swap", 0.1), ("year", 0.2)])
        rec["date_of_birth"] = fmt_date(dob_report(rng, kd, age, modes), dmy)
    else:
        rec["date_of_birth"] = ""
    rec["sex"] = sex_str(rng, kd.sex if rng.random() > 0.005 else "", R["sex_alt_format"],
                         rng.choice(["M/F", "male/female", "Male/Female"]))
    # parents: families almost always give them
    if parent or filer == "sibling":
        fm = wchoice(rng, [("full", 0.93), ("given", 0.05), ("blank", 0.02)])
        mm = wchoice(rng, [("full", 0.88), ("given", 0.09), ("blank", 0.03)])
    else:
        fm = wchoice(rng, [("full", 0.85), ("given", 0.1), ("blank", 0.05)])
        mm = wchoice(rng, [("full", 0.6), ("given", 0.3), ("blank", 0.1)])
    rec["father_name"] = father_string(rng, h, fm, 0.35, R["short_long_switch"] * 0.5, comm)
    rec["mother_name"] = mother_string(rng, h, mm, comm)
    if grand and rng.random() < 0.3 and mm == "full" and comm != "mus":
        rec["mother_name"] = h.mother[0] + " " + h.mother[1]  # grandparents use the maiden name
    rec["village"] = render_village(rng, h.village, comm, p_var, p_typo) if rng.random() > 0.02 else ""
    rec["district"] = render_district(rng, h.dist, R["district_parent_name"] * (1.4 if grand else 1.0),
                                      R["district_variant"], p_typo * 0.5)
    if rng.random() < 0.01:
        rec["district"] = ""
    pm = wchoice(rng, [("latent", 0.8), ("home", 0.1), ("blank", 0.1)])
    if pm == "latent":
        rec["location_separation"] = render_place(rng, h.sep_place, comm, p_var, p_typo)
    elif pm == "home":
        rec["location_separation"] = render_place(rng, ("home",) + h.sep_place[1:], comm, p_var, p_typo)
    else:
        rec["location_separation"] = ""
    if parent:
        dd = wchoice(rng, [(0, 0.75), (1, 0.08), (-1, 0.08), (2, 0.03), (-2, 0.03), (3, 0.015), (-3, 0.015)])
    else:
        dd = wchoice(rng, [(0, 0.55), (1, 0.12), (-1, 0.12), (2, 0.06), (-2, 0.06), (3, 0.03), (-3, 0.03), (7, 0.015), (-7, 0.015)])
    sd = h.sep_date + dt.timedelta(days=dd) if rng.random() > 0.03 else None
    rec["date_of_separation"] = fmt_date(sd, dmy)
    rec["language"] = lang_str(rng, h, False, 0.05)
    native = rng.random() < R["native_request"]
    caps = (not native) and rng.random() < R["caps_request"]
    finalize_names(rng, rec, comm, native, h.script, comm == "bodo", p_var, p_typo, caps, 0.025,
                   ("name_first", "name_last", "name_nickname", "mother_name", "father_name"))
    if native and rec["village"] and rng.random() < 0.5 and _PLAIN_VILLAGE.match(rec["village"]):
        rec["village"] = N.to_native(rec["village"], h.script, comm == "bodo")
    elif caps:
        rec["village"] = rec["village"].upper()
    return rec


# =============================================================================================
# main pipeline
# =============================================================================================

FILERS = [("mother", 0.42), ("father", 0.30), ("grandmother", 0.05), ("grandfather", 0.03),
          ("uncle", 0.08), ("aunt", 0.05), ("sibling", 0.07)]


def generate(size, seed, out):
    t0 = time.time()
    n_rec, n_req = SIZES[size]
    R = draw_rates(seed)
    rng = random.Random(seed)
    dup_factor = 1.0 + R["dup2"] + 2 * R["dup3"]
    p_reg = 1.0 - R["unmatched_request_share"]
    n_unique_reg = n_rec / dup_factor
    S = int(round(n_unique_reg / p_reg))
    p_req = n_req / (S * (1.0 + R["second_request"]))
    p_req = min(p_req, 0.95)
    R["p_reg"] = p_reg
    R["p_req"] = p_req

    W = build_world(rng, R, int(round(n_unique_reg)))
    ags, ags_by_dist = make_agencies(rng, R)

    # -------- registration events and child records --------
    child_recs = []  # (rec dict, kid)
    clans = {}
    for h in W.hhs:
        clans.setdefault(h.clan, []).append(h)
    for h in W.hhs:
        regk = [kd for kd in h.kids if kd.reg]
        if not regk:
            continue
        if len(regk) > 1 and rng.random() < R["siblings_found_together"]:
            groups = [regk]
        else:
            groups = [[kd] for kd in regk]
        for grp in groups:
            found = h.dist if rng.random() >= R["neighbour_found"] else neighbour_of(rng, h.dist)
            cand = ags_by_dist[found]
            dcpu = [i for i in cand if ags[i]["dcpu"]]
            ai = dcpu[0] if (dcpu and rng.random() < 0.45) else cand[rng.randrange(len(cand))]
            ev = {"dist": found, "date": h.sep_date + dt.timedelta(days=min(int(rng.expovariate(1 / 5.0)), 40)),
                  "place": found_place_latent(rng, W, found, h.comm), "agency": ai}
            first = []
            for kd in grp:
                rec = child_record(rng, W, kd, ev, ags[ai])
                child_recs.append((rec, kd))
                kd.records.append(rec)
                first.append(rec)
            # duplicates of this registration event
            r = rng.random()
            extra = 2 if r < R["dup3"] else (1 if r < R["dup3"] + R["dup2"] else 0)
            used_ag = [ai]
            for x in range(extra):
                others = [i for i in ags_by_dist[found] + ags_by_dist[h.dist] if i not in used_ag]
                aj = others[rng.randrange(len(others))] if others else ai
                used_ag.append(aj)
                if rng.random() < R["copy_share"]:
                    for kd, src in zip(grp, first):
                        c = copy_edit(rng, W, src, ags[aj])
                        child_recs.append((c, kd))
                        kd.records.append(c)
                else:
                    r2 = rng.random()
                    d2 = found if r2 < 0.7 else (h.dist if r2 < 0.85 else neighbour_of(rng, h.dist))
                    ev2 = {"dist": d2, "date": ev["date"] + dt.timedelta(days=rng.randint(3, 40)),
                           "place": ev["place"] if rng.random() < 0.5 else found_place_latent(rng, W, d2, h.comm),
                           "agency": aj}
                    for kd in grp:
                        rec = child_record(rng, W, kd, ev2, ags[aj])
                        child_recs.append((rec, kd))
                        kd.records.append(rec)

    # -------- requests --------
    req_recs = []
    for h in W.hhs:
        has_brothers = len(clans[h.clan]) > 1
        for kd in h.kids:
            if not kd.req:
                continue
            filers = FILERS
            if has_brothers:
                filers = [(f, w * (2.5 if f == "uncle" else 1.0)) for f, w in FILERS]
            if kd.age < 8:
                filers = [(f, w * (0.3 if f == "sibling" else 1.0)) for f, w in filers]
            used = []
            for q in range(kd.req):
                fl = [(f, w) for f, w in filers if f not in used]
                filer = wchoice(rng, fl)
                used.append(filer)
                rec = request_record(rng, W, kd, filer)
                req_recs.append((rec, kd))
                kd.requests.append(rec)

    # -------- ids (shuffled so ids carry no structure) --------
    order = list(range(len(child_recs)))
    rng.shuffle(order)
    for n, i in enumerate(order):
        child_recs[i][0]["id"] = "K%06d" % (n + 1)
    order = list(range(len(req_recs)))
    rng.shuffle(order)
    for n, i in enumerate(order):
        req_recs[i][0]["id"] = "Q%06d" % (n + 1)

    os.makedirs(out, exist_ok=True)
    write_records(os.path.join(out, "children.csv"), sorted((r for r, _ in child_recs), key=lambda r: r["id"]))
    write_records(os.path.join(out, "requests.csv"), sorted((r for r, _ in req_recs), key=lambda r: r["id"]))

    # -------- truth --------
    n_links = 0
    with open(os.path.join(out, "truth_links.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["request_id", "child_id"])
        rows = []
        for rec, kd in req_recs:
            for cr in kd.records:
                rows.append((rec["id"], cr["id"]))
        rows.sort()
        w.writerows(rows)
        n_links = len(rows)
        n_req_linked = len({r[0] for r in rows})
    n_dups = 0
    with open(os.path.join(out, "truth_duplicates.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["child_id_a", "child_id_b"])
        rows = []
        for kd in W.kids:
            ids = sorted(r["id"] for r in kd.records)
            for i in range(len(ids)):
                for j in range(i + 1, len(ids)):
                    rows.append((ids[i], ids[j]))
        rows.sort()
        w.writerows(rows)
        n_dups = len(rows)

    # relations
    idx = {}
    for rec, kd in child_recs:
        key = (kd.given, kd.surname, kd.sex)
        idx.setdefault(key, {}).setdefault(kd.age, []).append((kd.hh.clan, rec["id"]))
    counts = {"sibling": 0, "twin": 0, "cousin": 0, "namesake": 0}
    tmp_path = os.path.join(out, "relations.csv")
    with open(tmp_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["request_id", "child_id", "relation"])
        for rec, kd in sorted(req_recs, key=lambda x: x[0]["id"]):
            qid = rec["id"]
            rows = []
            h = kd.hh
            for sib in h.kids:
                if sib is kd:
                    continue
                rel = "twin" if sib is kd.twin else "sibling"
                for cr in sib.records:
                    rows.append((cr["id"], rel))
            for oh in clans[h.clan]:
                if oh is h:
                    continue
                for cz in oh.kids:
                    for cr in cz.records:
                        rows.append((cr["id"], "cousin"))
            byage = idx.get((kd.given, kd.surname, kd.sex))
            if byage:
                for a in range(kd.age - 3, kd.age + 4):
                    for clan, rid in byage.get(a, ()):
                        if clan != h.clan:
                            rows.append((rid, "namesake"))
            rows.sort()
            for rid, rel in rows:
                w.writerow((qid, rid, rel))
                counts[rel] += 1

    # summary
    n_children_unique = sum(1 for kd in W.kids if kd.records)
    n_req_children = sum(1 for kd in W.kids if kd.requests)
    n_reg_with_req = sum(1 for kd in W.kids if kd.records and kd.requests)
    n_native_c = sum(1 for r, _ in child_recs if any(ord(ch) > 0x900 for ch in r["name_first"] + r["name_last"]))
    summary = ("size=%s seed=%d children=%d (unique %d) requests=%d (unique children %d) links=%d "
               "requests_with_match=%d (%.1f%%) registered_without_request=%.1f%% duplicate_pairs=%d "
               "relations: sibling=%d twin=%d cousin=%d namesake=%d native_child_records=%.1f%% time=%.1fs"
               % (size, seed, len(child_recs), n_children_unique, len(req_recs), n_req_children, n_links,
                  n_req_linked, 100.0 * n_req_linked / max(len(req_recs), 1),
                  100.0 * (1 - n_reg_with_req / max(n_children_unique, 1)), n_dups,
                  counts["sibling"], counts["twin"], counts["cousin"], counts["namesake"],
                  100.0 * n_native_c / max(len(child_recs), 1), time.time() - t0))
    with open(os.path.join(out, "rates.txt"), "w", encoding="utf-8") as fh:
        for k in sorted(R):
            fh.write("%s = %s\n" % (k, R[k] if not isinstance(R[k], float) else "%.4f" % R[k]))
    print(summary)


def write_records(path, recs):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in recs:
            w.writerow([r.get(c, "") for c in COLUMNS])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    generate(a.size, a.seed, a.out)


if __name__ == "__main__":
    main()
