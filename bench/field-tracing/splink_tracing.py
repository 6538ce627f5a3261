#!/usr/bin/env python3
"""Splink 5 (DuckDB) on a field-tracing set, configured as a data analyst in a tracing
programme would: Splink's own name comparisons with term frequencies on the names, exact sex
and district, near-exact village, age within 1 / 3 years, the date of separation within a
week; blocking on the first letters of the given and
family names, on family name and parents' names with the district; u from random
pairs, λ from deterministic rules, EM in two sessions (as Splink's examples do).

    splink_tracing.py DIR --task links|duplicates --out PAIRS.csv

Reads DIR/requests.csv and DIR/children.csv (links: requests × children; duplicates: the
children alone). Writes left_id,right_id,match_probability for every scored pair, for
score.py. Splink sees the same text Homeward sees, lower-cased and trimmed (no
transliteration: Splink has none).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pandas as pd

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

TEXT = ["name_first", "name_last", "name_nickname", "mother_name", "father_name", "village",
        "district", "location_separation"]


def load(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for c in TEXT + ["sex", "date_of_separation"]:
        df[c] = df[c].str.strip().str.lower().replace("", None)
    df["age"] = pd.to_numeric(df["age"], errors="coerce")
    return df.drop(columns=["date_of_birth", "language"])


def settings(link_type: str) -> SettingsCreator:
    age = {
        "output_column_name": "age",
        "comparison_levels": [
            cll.NullLevel("age"),
            {"sql_condition": "age_l = age_r", "label_for_charts": "same age"},
            {"sql_condition": "abs(age_l - age_r) <= 1", "label_for_charts": "within 1 year"},
            {"sql_condition": "abs(age_l - age_r) <= 3", "label_for_charts": "within 3 years"},
            cll.ElseLevel(),
        ],
    }
    return SettingsCreator(
        unique_id_column_name="id",
        link_type=link_type,
        comparisons=[
            cl.NameComparison("name_first").configure(term_frequency_adjustments=True),
            cl.NameComparison("name_last").configure(term_frequency_adjustments=True),
            cl.NameComparison("mother_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("father_name").configure(term_frequency_adjustments=True),
            cl.ExactMatch("sex"),
            age,
            cl.ExactMatch("district").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("village", [2]),
            cl.JaroWinklerAtThresholds("location_separation", [0.9]),
            cl.AbsoluteDateDifferenceAtThresholds(
                "date_of_separation", input_is_string=True, metrics=["day"], thresholds=[7]
            ),
        ],
        blocking_rules_to_generate_predictions=[
            "substr(l.name_first, 1, 3) = substr(r.name_first, 1, 3) and l.district = r.district",
            "substr(l.name_first, 1, 2) = substr(r.name_first, 1, 2) "
            "and substr(l.name_last, 1, 2) = substr(r.name_last, 1, 2)",
            block_on("name_last", "district", "sex"),
            block_on("mother_name", "district"),
            block_on("father_name", "district"),
            "l.name_nickname = r.name_first and l.district = r.district",
            "l.name_first = r.name_nickname and l.district = r.district",
        ],
        retain_intermediate_calculation_columns=False,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--task", choices=["links", "duplicates"], required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    db = DuckDBAPI()
    children = load(a.dir / "children.csv")
    if a.task == "links":
        requests = load(a.dir / "requests.csv")
        frames = [db.register(requests), db.register(children)]
        link_type = "link_only"
    else:
        frames = [db.register(children)]
        link_type = "dedupe_only"
    linker = Linker(frames, settings(link_type), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_first", "name_last", "mother_name", "district")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    for cols in (("district", "sex"), ("name_first",)):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*cols), estimate_without_term_frequencies=True
        )
    rel = linker.inference.predict().as_duckdbpyrelation()
    cols = rel.select("id_l, id_r, match_probability").fetchnumpy()
    pd.DataFrame({"left_id": cols["id_l"], "right_id": cols["id_r"],
                  "match_probability": cols["match_probability"]}).to_csv(a.out, index=False)


if __name__ == "__main__":
    main()
