#!/usr/bin/env bash
# Offline evaluation benchmark (not a test). Needs GNU time and python3.
#   1. the demo scan;
#   2. a synthetic snapshot of N REST APIs (default 5000; 10 resources x 2 methods, 2 stages
#      each, over 4 regions);
#   3. a replicated snapshot: the demo account's REST APIs copied until there are R (default
#      10000; scripts/replicate_snapshot.py), next to Python's json.load of the same file in the
#      same run, so the ratio (gwaudit's wall time / Python's) does not depend on the machine;
#      Each is also timed in PAIRED rounds (default 5) of Python, JSON and SARIF back to back,
#      and the median of the rounds' ratios printed;
#   4. an organization: O accounts (default 500) of the demo account's REST APIs copied to 20,
#      written as JSON and as a SARIF file per account (--output-to sarif=DIR/), side by side.
# Prints wall time and peak RSS per output format for the large snapshots.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-5000}"
R="${2:-10000}"
O="${3:-500}"
# Rounds of Python and gwaudit timed back to back, per large snapshot.
PAIRED="${PAIRED:-5}"
cargo build --release --quiet --bin gwaudit --example synth_snapshot
BIN=target/release/gwaudit
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
SYNTH="$DIR/synth-$N.json"
REPL="$DIR/replicated-$R.json"
target/release/examples/synth_snapshot "$N" > "$SYNTH"
python3 scripts/replicate_snapshot.py "$R" > "$REPL"
ORG="$DIR/organization-$O.json"
python3 scripts/replicate_snapshot.py 20 --accounts "$O" > "$ORG"

# Prints "<wall seconds> <peak KB>" of one command, its output discarded. A command that fails
# stops the benchmark: the time of an error exit is no measurement (the synthetic snapshot was
# once refused at load, and its 0.09 s read as a result).
measure() {
  local err
  err="$(mktemp)"
  if ! /usr/bin/time -o "$err.time" -f "%e %M" "$@" >/dev/null 2>"$err"; then
    echo "benchmark command failed: $*" >&2
    head -5 "$err" >&2
    exit 1
  fi
  tail -1 "$err.time"
  rm -f "$err" "$err.time"
}

# The best of three, for Python and each format alike: "<seconds> <peak KB>".
best() {
  local best_s="" kb=""
  for _ in 1 2 3; do
    local m
    m="$(measure "$@")" || exit 1
    read -r s kb <<<"$m"
    if [ -z "$best_s" ] || python3 -c "import sys; sys.exit(not $s < $best_s)"; then
      best_s=$s
    fi
  done
  echo "$best_s $kb"
}

m="$(best "$BIN" scan --snapshot fixtures/demo/demo-account.json --fail-on none)"
read -r s kb <<<"$m"
echo "demo scan: $s s, $kb KB peak RSS"

for snap in "$SYNTH" "$REPL"; do
  echo
  echo "$(basename "$snap"): $(du -h "$snap" | cut -f1)"
  m="$(best python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$snap")"
  read -r py_s py_kb <<<"$m"
  printf '%-10s %6s s  %8s KB peak RSS\n' "python" "$py_s" "$py_kb"
  for fmt in json sarif markdown table; do
    m="$(best "$BIN" scan --snapshot "$snap" --format "$fmt" --fail-on none \
      --allow-incomplete-sarif)"
    read -r s kb <<<"$m"
    ratio=$(python3 -c "print(f'{$s / $py_s:.2f}')")
    printf '%-10s %6s s  %8s KB peak RSS  (%s x Python json.load)\n' "$fmt" "$s" "$kb" "$ratio"
  done
  # The bests above are taken seconds apart, and this machine's speed drifts by a quarter
  # within minutes: each round also times Python and then each format back to back, and the
  # ratios of a round are taken together.
  declare -A paired=()
  for _ in $(seq "$PAIRED"); do
    read -r py_s _ <<<"$(measure python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$snap")"
    for fmt in json sarif; do
      read -r s _ <<<"$(measure "$BIN" scan --snapshot "$snap" --format "$fmt" --fail-on none \
        --allow-incomplete-sarif)"
      paired[$fmt]+="$(python3 -c "print($s / $py_s)") "
    done
  done
  for fmt in json sarif; do
    # shellcheck disable=SC2086 # one argument per ratio
    python3 -c '
import statistics, sys
fmt, rounds, ratios = sys.argv[1], sys.argv[2], sorted(map(float, sys.argv[3:]))
print(f"{fmt:10s} x Python json.load timed back to back, {rounds} rounds: median "
      f"{statistics.median(ratios):.2f} (from {ratios[0]:.2f} to {ratios[-1]:.2f})")
' "$fmt" "$PAIRED" ${paired[$fmt]}
  done
  unset paired
done

# A file per account reads only its own results and shares the rules' description: writing
# them all grows with the number of accounts as the JSON report does (each file repeats the
# rules' description, about 430 KB), not with its square.
echo
echo "$(basename "$ORG"): $(du -h "$ORG" | cut -f1), $O accounts"
m="$(best "$BIN" scan --snapshot "$ORG" --format json --fail-on none)"
read -r json_s kb <<<"$m"
printf '%-10s %6s s  %8s KB peak RSS\n' "json" "$json_s" "$kb"
m="$(best "$BIN" scan --snapshot "$ORG" --output-to "sarif=$DIR/sarif/" --fail-on none \
  --allow-incomplete-sarif)"
read -r s kb <<<"$m"
ratio=$(python3 -c "print(f'{$s / $json_s:.2f}')")
printf '%-10s %6s s  %8s KB peak RSS  (%s x JSON; %s files)\n' "sarif=DIR/" "$s" "$kb" "$ratio" \
  "$(find "$DIR/sarif" -name '*.sarif' | wc -l)"
