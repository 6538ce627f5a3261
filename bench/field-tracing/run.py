#!/usr/bin/env python3
"""Homeward and Splink 5 side by side, in the same run, on the field-tracing sets: links
(requests × registered children, `--profile tracing`) and duplicates (among the children,
`--dedupe --profile duplicates`), each at two sizes: small (2,000 × 1,500, checked in) and
large (200,000 × 150,000, generated on first use), from two generators written
independently of each other (`generate.py` and `holdout/generate.py`). For each: P/R/F1 at
the default threshold 0.5, best F1, average precision, hits@1/@5, recall at precision ≥ 0.95,
wall time, peak memory and the calibration table (pairs and share true per probability band).

    python3 bench/field-tracing/run.py                          # all four sets, both tools
    python3 bench/field-tracing/run.py --sets small holdout-small   # the small sets (~2 min)
    python3 bench/field-tracing/run.py --no-splink

Environment (all optional): HOMEWARD_BIN (default target/release/homeward-link, built if
absent), BENCH_VENV (Splink venv, default ~/.cache/homeward-bench-venv, created on first use
from ../shared/anchors/requirements.txt), BENCH_DATA (default ~/.cache/homeward-bench-data).
Wall time and peak RSS come from /usr/bin/time -v around each whole process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
from score import score  # noqa: E402


def _linkage_bench():
    """bench/linkage/run.py (its timing and Splink venv helpers), loaded under its own name
    so that its `score` module does not shadow ours."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("linkage_bench", HERE.parent / "linkage" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    saved = sys.modules.get("score")
    sys.path.insert(0, str(HERE.parent / "linkage"))
    sys.modules.pop("score", None)
    spec.loader.exec_module(mod)
    sys.path.pop(0)
    sys.modules["score"] = saved
    return mod


_LINKAGE = _linkage_bench()
timed, venv_python = _LINKAGE.timed, _LINKAGE.venv_python

DATA = Path(os.environ.get("BENCH_DATA", Path.home() / ".cache" / "homeward-bench-data"))


def log(msg: str) -> None:
    print(f"[field-tracing] {msg}", file=sys.stderr, flush=True)


def homeward_bin() -> str:
    env = os.environ.get("HOMEWARD_BIN")
    if env:
        return str(Path(env).resolve())
    subprocess.run(["cargo", "build", "--release", "-p", "homeward-linkage", "--bin", "homeward-link"],
                   cwd=REPO, check=True)
    return str(REPO / "target" / "release" / "homeward-link")


SETS = ["small", "large", "holdout-small", "holdout-large"]


def data_dir(name: str) -> Path:
    if name == "small":
        return HERE / "small"
    if name == "holdout-small":
        return HERE / "holdout" / "small"
    gen, seed, d = {
        "large": (HERE / "generate.py", "2024", DATA / "field-large"),
        "holdout-large": (HERE / "holdout" / "generate.py", "7", DATA / "holdout-large"),
    }[name]
    if not (d / "children.csv").exists():
        log(f"generating the {name} set in {d} (a few minutes)")
        subprocess.run([sys.executable, str(gen), "--size", "large", "--seed", seed, "--out", str(d)],
                       check=True)
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=SETS, choices=SETS)
    ap.add_argument("--no-splink", action="store_true")
    args = ap.parse_args()
    hw = homeward_bin()
    py = None if args.no_splink else venv_python()
    work = Path(tempfile.mkdtemp(prefix="homeward-field-"))
    rows = []
    failed: list[str] = []
    for size in args.sets:
        d = data_dir(size)
        for task in ("links", "duplicates"):
            out = work / f"{size}_{task}_homeward.csv"
            if task == "links":
                cmd = [hw, str(d / "requests.csv"), str(d / "children.csv"), "--profile", "tracing"]
            else:
                cmd = [hw, "--dedupe", str(d / "children.csv"), "--profile", "duplicates"]
            # Pairs down to 0.01, so that best F1, AP and the calibration table see below 0.5.
            log(f"{size} {task}: homeward")
            wall, rss, _ = timed([*cmd, "--threshold", "0.01", "--out", str(out)], work)
            rows.append((size, task, "homeward", score(out, d, task, 0.5), wall, rss))
            if py:
                out = work / f"{size}_{task}_splink.csv"
                log(f"{size} {task}: splink")
                try:
                    wall, rss, _ = timed([py, str(HERE / "splink_tracing.py"), str(d), "--task", task,
                                          "--out", str(out)], work)
                    rows.append((size, task, "splink", score(out, d, task, 0.5), wall, rss))
                except SystemExit as e:
                    # Splink on 200,000 x 150,000 can exhaust the disk with DuckDB's temporary
                    # files: say so and go on with the other rows.
                    failed.append(f"{size} {task} splink: {e}")

    print()
    head = (f"{'set':<13} {'task':<10} {'tool':<9} {'P':>6} {'R':>6} {'F1':>6} {'bestF1':>7} {'AP':>6} "
            f"{'hits@1':>7} {'hits@5':>7} {'R@P95':>6} {'wall s':>7} {'peak MiB':>9}")
    print(head)
    for size, task, tool, m, wall, rss in rows:
        print(f"{size:<13} {task:<10} {tool:<9} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} "
              f"{m['best_f1']:>7.3f} {m['average_precision']:>6.3f} {m['hits_at_1']:>7.3f} "
              f"{m['hits_at_5']:>7.3f} {m['recall_at_precision_95']:>6.3f} {wall:>7.1f} {rss:>9.0f}")
    print("\ncalibration (pairs / share true per probability band):")
    for size, task, tool, m, _, _ in rows:
        bands = " ".join(f"{b['band']}:{b['pairs']}/{'-' if b['share_true'] is None else b['share_true']}"
                         for b in m["calibration"])
        print(f"  {size} {task} {tool}: {bands}")
    for size, task, tool, m, _, _ in rows:
        if task == "links" and tool == "homeward":
            extra = {k: m[k] for k in ("relatives_below_threshold", "siblings_twins_below",
                                       "requests_with_at_most_3_proposals", "true_child_first",
                                       "mean_proposals_when_no_child")}
            print(f"  {size} links homeward: {json.dumps(extra)}")
    for f in failed:
        print(f"  did not finish: {f}")
    print(f"\n(work files in {work})")


if __name__ == "__main__":
    main()
