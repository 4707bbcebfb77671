#!/usr/bin/env bash
# Runs each bench/NAME.ovsm with the release `ovsm` and bench/NAME.lua with Lua 5.4, as whole
# processes in the same run, interleaved, and prints the median of N runs of each and their ratio.
# Needs Debian's lua5.4 (`apt-get install -y lua5.4`).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
cargo build --release --quiet
command -v lua5.4 >/dev/null || { echo "lua5.4 is not installed: apt-get install -y lua5.4" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_of() { # command... -> seconds of one run
  # Bash's own clock, not `date`: forking a timer around a 4 ms run would add to both sides
  # and flatten the ratio.
  local s e
  s=$EPOCHREALTIME; "$@" >/dev/null; e=$EPOCHREALTIME
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f\n", e - s }'
}

printf '%-10s %10s %10s %8s\n' program ovsm lua5.4 ratio
for ovsm_file in bench/*.ovsm; do
  name=$(basename "$ovsm_file" .ovsm)
  lua_file="bench/$name.lua"
  [ -f "$lua_file" ] || continue
  # Interleaved, one run of each in turn: this machine's speed drifts by tens of percent over
  # seconds (it is a VM), and a drift then falls on both sides of the ratio alike.
  o_times=() l_times=()
  for _ in $(seq "$runs"); do
    o_times+=("$(time_of ./target/release/ovsm run "$ovsm_file")")
    l_times+=("$(time_of lua5.4 "$lua_file")")
  done
  o=$(printf '%s\n' "${o_times[@]}" | median)
  l=$(printf '%s\n' "${l_times[@]}" | median)
  printf '%-10s %9ss %9ss %7sx\n' "$name" "$o" "$l" "$(awk -v o="$o" -v l="$l" 'BEGIN { printf "%.2f", o / l }')"
done
