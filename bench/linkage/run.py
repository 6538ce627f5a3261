#!/usr/bin/env python3
"""Homeward's linker and Splink side by side, in the same run, on FEBRL4 (link 5k x 5k),
FEBRL3 (dedupe 5k) and the synthetic 200k x 200k set. Prints precision, recall and F1 at
threshold 0.5, whole-process wall time and peak memory of each tool, and the ratios.

    python3 bench/linkage/run.py                      # everything (Splink 200k needs ~16 GiB)
    python3 bench/linkage/run.py --datasets febrl4 febrl3
    python3 bench/linkage/run.py --no-splink-large    # Homeward on 200k, Splink on FEBRL only

Environment (all optional):
  HOMEWARD_BIN   the homeward binary (default target/release/homeward, run as `homeward link`);
                 when it does not exist, target/release/homeward-link is used (built if needed)
  FEBRL_DIR      FEBRL CSVs (default ../shared/data/febrl from the repository root)
  ANCHORS_DIR    the reference scripts (default FEBRL_DIR/../../anchors)
  BENCH_VENV     Python venv for Splink, created on first use
                 (default ~/.cache/homeward-bench-venv)
  BENCH_DATA     where the synthetic set is generated (default ~/.cache/homeward-bench-data)
  CARGO_TARGET_DIR  honoured when locating/building the binaries
Wall time and peak RSS come from /usr/bin/time -v around each whole process (interpreter
start and imports included for Splink). Run on a quiet machine; compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
from score import score  # noqa: E402

FEBRL = Path(os.environ.get("FEBRL_DIR", REPO.parent / "shared" / "data" / "febrl")).resolve()
ANCHORS = Path(os.environ.get("ANCHORS_DIR", FEBRL.parent.parent / "anchors")).resolve()
VENV = Path(os.environ.get("BENCH_VENV", Path.home() / ".cache" / "homeward-bench-venv"))
DATA = Path(os.environ.get("BENCH_DATA", Path.home() / ".cache" / "homeward-bench-data"))
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
if not TARGET.is_absolute():
    TARGET = REPO / TARGET


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def homeward_cmd() -> list[str]:
    env_bin = os.environ.get("HOMEWARD_BIN")
    main_bin = Path(env_bin) if env_bin else TARGET / "release" / "homeward"
    if main_bin.exists():
        return [str(main_bin), "link"]
    link_bin = TARGET / "release" / "homeward-link"
    log(f"{main_bin} not found; using {link_bin}")
    subprocess.run(
        ["cargo", "build", "--release", "-p", "homeward-linkage", "--bin", "homeward-link"],
        cwd=REPO, check=True,
    )
    return [str(link_bin)]


def venv_python() -> str:
    py = VENV / "bin" / "python"
    if not py.exists():
        log(f"creating the Splink venv in {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(ANCHORS / "requirements.txt")], check=True)
    return str(py)


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, str]:
    """Run under /usr/bin/time -v; return (wall seconds, peak RSS MiB, stdout)."""
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    wall = rss = 0.0
    for line in p.stderr.splitlines():
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            t = line.rsplit(" ", 1)[-1]
            parts = [float(x) for x in t.split(":")]
            wall = sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
        elif line.startswith("Maximum resident set size"):
            rss = float(line.rsplit(" ", 1)[-1]) / 1024.0
    return wall, rss, p.stdout


def find_key(obj, key):
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        for v in obj.values():
            r = find_key(v, key)
            if r is not None:
                return r
    return None


def splink_metrics(stdout: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("RESULT_JSON "):
            res = json.loads(line[len("RESULT_JSON "):])
            at = find_key(res, "at_threshold") or {}
            m = at.get("0.5") or {}
            return {"precision": m.get("precision"), "recall": m.get("recall"), "f1": m.get("f1")}
    return {}


def ensure_large() -> Path:
    large = DATA / "large"
    if not (large / "synth200k_a.csv").exists():
        log(f"generating the synthetic 200k x 200k set in {large}")
        DATA.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, FEBRL_DIR=str(FEBRL))
        subprocess.run([sys.executable, str(ANCHORS / "gen_synthetic.py"), "--n", "200000", "--out", str(large)],
                       check=True, env=env)
    return large


def febrl_with_entity_id(work: Path) -> Path:
    """splink_febrl3.py drops an `entity_id` column that the shared febrl3.csv does not have
    (the export stripped it), so give it a copy with that column added (the N of rec-N-...).
    The script drops the column again before linking, so Splink sees the same records."""
    shadow = work / "febrl-with-entity-id"
    shadow.mkdir(parents=True, exist_ok=True)
    import csv
    with open(FEBRL / "febrl3.csv", newline="", encoding="utf-8") as f, \
            open(shadow / "febrl3.csv", "w", newline="", encoding="utf-8") as g:
        r = csv.reader(f)
        w = csv.writer(g, lineterminator="\n")
        header = next(r)
        w.writerow(header + ["entity_id"])
        i = header.index("rec_id")
        for row in r:
            w.writerow(row + [re.match(r"rec-(\d+)-", row[i]).group(1)])
    return shadow


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", nargs="+", default=["febrl4", "febrl3", "synth200k"],
                    choices=["febrl4", "febrl3", "synth200k"])
    ap.add_argument("--no-splink", action="store_true", help="run Homeward only")
    ap.add_argument("--no-splink-large", action="store_true", help="skip Splink on 200k (16 GiB, 2+ min)")
    args = ap.parse_args()

    hw = homeward_cmd()
    py = None if args.no_splink else venv_python()
    work = Path(tempfile.mkdtemp(prefix="homeward-bench-"))
    env = dict(os.environ, FEBRL_DIR=str(FEBRL), ANCHOR_RESULTS=str(work / "anchor-results"))
    rows = []
    for ds in args.datasets:
        out = work / f"{ds}_pairs.csv"
        splink_env = env
        if ds == "febrl4":
            a, b = FEBRL / "febrl4a.csv", FEBRL / "febrl4b.csv"
            cmd = [*hw, str(a), str(b), "--config", str(HERE / "febrl4.toml"), "--out", str(out)]
            truth = {"link": (a, b)}
            splink = [py, str(ANCHORS / "splink_febrl4.py"), "--model", "detailed", "--tag", "bench"]
            cwd = work
        elif ds == "febrl3":
            f = FEBRL / "febrl3.csv"
            cmd = [*hw, "--dedupe", str(f), "--config", str(HERE / "febrl3.toml"), "--out", str(out)]
            truth = {"dedupe": f}
            splink = [py, str(ANCHORS / "splink_febrl3.py"), "--tag", "bench"]
            cwd = work
            splink_env = dict(env, FEBRL_DIR=str(febrl_with_entity_id(work)))
        else:
            large = ensure_large()
            a, b = large / "synth200k_a.csv", large / "synth200k_b.csv"
            cmd = [*hw, str(a), str(b), "--config", str(HERE / "febrl4.toml"), "--out", str(out)]
            truth = {"link": (a, b)}
            # scale_splink.py uses `Path` without importing it (in an argument default, so it
            # fails before doing anything); run it with `Path` provided as a builtin.
            script = str(ANCHORS / "scale_splink.py")
            shim = ("import builtins, pathlib, runpy, sys; builtins.Path = pathlib.Path; "
                    f"sys.path.insert(0, {str(ANCHORS)!r}); "
                    f"sys.argv = [{script!r}, '--no-count', '--tag', 'bench']; "
                    f"runpy.run_path({script!r}, run_name='__main__')")
            splink = [py, "-c", shim]
            cwd = large.parent
            if args.no_splink_large:
                splink = None
        log(f"{ds}: homeward")
        wall, rss, _ = timed(cmd, cwd)
        m = score(out, threshold=0.5, **truth)
        # Blocking recall: an untimed second run that writes every candidate pair.
        all_out = work / f"{ds}_candidates.csv"
        subprocess.run([*cmd[:-1], str(all_out), "--threshold", "0"], cwd=cwd, check=True,
                       capture_output=True)
        m["blocking_recall"] = score(all_out, threshold=0.0, **truth)["recall"]
        all_out.unlink()
        rows.append((ds, "homeward", m, wall, rss))
        if py and splink and splink[0]:
            log(f"{ds}: splink")
            wall, rss, stdout = timed(splink, cwd, splink_env)
            rows.append((ds, "splink", splink_metrics(stdout), wall, rss))

    print()
    print(f"{'data':<10} {'tool':<9} {'precision':>9} {'recall':>8} {'F1':>8} {'wall s':>8} "
          f"{'peak MiB':>9} {'blocking recall':>16}")
    fmt = lambda v: f"{v:.4f}" if isinstance(v, float) else "-"  # noqa: E731
    for ds, tool, m, wall, rss in rows:
        print(f"{ds:<10} {tool:<9} {fmt(m.get('precision')):>9} {fmt(m.get('recall')):>8} "
              f"{fmt(m.get('f1')):>8} {wall:>8.2f} {rss:>9.0f} {fmt(m.get('blocking_recall')):>16}")
    print()
    for ds in args.datasets:
        h = [r for r in rows if r[0] == ds and r[1] == "homeward"]
        s = [r for r in rows if r[0] == ds and r[1] == "splink"]
        if h and s:
            print(f"{ds}: Homeward is {s[0][3] / max(h[0][3], 1e-9):.1f}x faster than Splink "
                  f"and uses {h[0][4] / max(s[0][4], 1e-9):.3f} of its peak memory")
    print(f"\n(work files in {work})")


if __name__ == "__main__":
    main()
