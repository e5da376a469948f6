#!/usr/bin/env bash
# Offline evaluation benchmark (not a test). Needs GNU time and python3.
#   1. the demo scan;
#   2. a synthetic snapshot of N REST APIs (default 5000; 10 resources x 2 methods, 2 stages
#      each, over 4 regions);
#   3. a replicated snapshot: the demo account's REST APIs copied until there are R (default
#      10000; scripts/replicate_snapshot.py), next to Python's json.load of the same file in the
#      same run, so the ratio (gwaudit's wall time / Python's) does not depend on the machine.
# Prints wall time and peak RSS per output format for both large snapshots.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-5000}"
R="${2:-10000}"
cargo build --release --quiet --bin gwaudit --example synth_snapshot
BIN=target/release/gwaudit
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
SYNTH="$DIR/synth-$N.json"
REPL="$DIR/replicated-$R.json"
target/release/examples/synth_snapshot "$N" > "$SYNTH"
python3 scripts/replicate_snapshot.py "$R" > "$REPL"

# Prints "<wall seconds> <peak KB>" of one command, its output discarded.
measure() {
  /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1
}

# The best of three, for Python and each format alike: "<seconds> <peak KB>".
best() {
  local best_s="" kb=""
  for _ in 1 2 3; do
    read -r s kb < <(measure "$@")
    if [ -z "$best_s" ] || python3 -c "import sys; sys.exit(not $s < $best_s)"; then
      best_s=$s
    fi
  done
  echo "$best_s $kb"
}

read -r s kb < <(best "$BIN" scan --snapshot fixtures/demo/demo-account.json --fail-on none)
echo "demo scan: $s s, $kb KB peak RSS"

for snap in "$SYNTH" "$REPL"; do
  echo
  echo "$(basename "$snap"): $(du -h "$snap" | cut -f1)"
  read -r py_s py_kb < <(best python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$snap")
  printf '%-10s %6s s  %8s KB peak RSS\n' "python" "$py_s" "$py_kb"
  for fmt in json sarif markdown table; do
    read -r s kb < <(best "$BIN" scan --snapshot "$snap" --format "$fmt" --fail-on none \
      --allow-incomplete-sarif)
    ratio=$(python3 -c "print(f'{$s / $py_s:.2f}')")
    printf '%-10s %6s s  %8s KB peak RSS  (%s x Python json.load)\n' "$fmt" "$s" "$kb" "$ratio"
  done
done
