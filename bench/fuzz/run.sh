#!/usr/bin/env bash
# Fuzzes every target in fuzz/ for a bounded time and reports, per target, the executions and
# the crashes. Exits 1 when any target crashed (the input is kept in fuzz/artifacts/TARGET/),
# 2 when the targets do not build.
#
#   bench/fuzz/run.sh [SECONDS_PER_TARGET]    (default 120)
#
# The corpora live in fuzz/corpus/TARGET: the committed seed-* files and whatever earlier runs
# found, so each run starts where the last one stopped.
#
# cargo-fuzz asks rustc for nightly-only flags (-Zsanitizer=address and others). This machine
# has only stable Rust, so RUSTC_BOOTSTRAP=1 lets stable rustc accept them; on a nightly
# toolchain it changes nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-120}"
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac
export RUSTC_BOOTSTRAP=1
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
target_dir="${CARGO_TARGET_DIR:-$PWD/fuzz/target}/fuzz"
# 16 codegen units: the build takes a few minutes instead of many, for a little speed per run.
build_flags=(--codegen-units 16 --target-dir "$target_dir")

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz || exit 2
cargo fuzz build "${build_flags[@]}" || exit 2
bin_dir="$target_dir/$(rustc -vV | sed -n 's/^host: //p')/release"

crashed=0
printf '%-14s %12s %8s %8s\n' target executions crashes corpus
for t in $(cargo fuzz list); do
  corpus="fuzz/corpus/$t" artifacts="fuzz/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  log="$target_dir/$t.log"
  before=$(find "$artifacts" -type f | wc -l)
  # -timeout: an input taking over 10 s is a finding too (a request that ties up the server).
  "$bin_dir/$t" "$corpus" -max_total_time="$secs" -timeout=10 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
  rc=$?
  after=$(find "$artifacts" -type f | wc -l)
  crashes=$((after - before))
  # A non-zero exit with no artifact (the fuzzer itself failed) still counts as a failure.
  if [ "$rc" != 0 ] && [ "$crashes" = 0 ]; then crashes=1; fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  printf '%-14s %12s %8s %8s\n' "$t" "${execs:-?}" "$crashes" "$(find "$corpus" -type f | wc -l)"
  if [ "$crashes" != 0 ]; then
    crashed=1
    grep -m 1 -A 12 -E "panicked at|ERROR: (AddressSanitizer|libFuzzer)" "$log" | sed 's/^/    /'
    echo "    full log: $log; input: $artifacts/$(ls -t "$artifacts" | head -n 1)"
  fi
done
exit "$crashed"
