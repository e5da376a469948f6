#!/usr/bin/env bash
# Offline evaluation benchmark (not a test): the demo scan, and a synthetic snapshot of N REST
# APIs (default 5000; 10 resources x 2 methods, 2 stages each, over 4 regions).
# Prints wall time and peak memory per output format. Needs hyperfine and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-5000}"
cargo build --release --quiet --bin gwaudit --example synth_snapshot
BIN=target/release/gwaudit
SNAP="$(mktemp -d)/synth-$N.json"
target/release/examples/synth_snapshot "$N" > "$SNAP"
echo "synthetic snapshot: $N REST APIs, $(du -h "$SNAP" | cut -f1)"
hyperfine -N --warmup 3 --runs 30 "$BIN scan --snapshot fixtures/demo/demo-account.json --fail-on none"
for fmt in table json sarif; do
  /usr/bin/time -f "$fmt: %e s wall, %M KB peak RSS" \
    "$BIN" scan --snapshot "$SNAP" --format "$fmt" --fail-on none > /dev/null 2> >(tail -1 >&2)
done
rm -f "$SNAP"
