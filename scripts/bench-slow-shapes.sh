#!/usr/bin/env bash
# Scaling benchmark (not a test) for the inputs of issue 12 that used to be slow. Each shape runs
# at N, 2N and 4N; the times should roughly double from one size to the next (linear), where
# they used to quadruple.
#
#   scripts/bench-slow-shapes.sh [settings|policy|mutes|account|table|loggroups|all]
#
#   settings  N resources x 2 methods, N/10 methodSettings overrides  (SETTINGS_N, default 10000)
#   policy    a resource policy of N mixed Allow/Deny statements       (POLICY_N, default 1250;
#             again with Deny patterns such as execute-api:/*/POST/x; Allow-only and Deny-only
#             at 4N for comparison)
#   mutes     N [[mute]] tables on an empty snapshot, then 1000 mutes after a 20 MB comment
#                                                                       (MUTES_N, default 10000)
#   account   the demo snapshot with an account_id of N bytes          (ACCOUNT_N, default 65536)
#   table     the demo with an unbroken API name of N characters, as a table and as Markdown
#                                                                       (NAME_N, default 16384)
#   loggroups N REST APIs whose stages log executions, and their N log groups (GW507)
#                                                                       (LOGGROUPS_N, default 5000)
#
# BIN=path/to/gwaudit runs another binary (e.g. one built from an older commit, to compare);
# by default the release binary is built. Each line prints the wall time, the exit code, the
# report size and a digest of the report and warnings (equal digests: equal results).
# Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin gwaudit
  BIN=target/release/gwaudit
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
GEN="python3 scripts/slow_shapes.py"

# run LABEL ARGS...: one scan with a JSON report, timed.
run() {
  local label="$1"
  shift
  local start end rc=0
  start=$(date +%s%N)
  "$BIN" scan "$@" --format json --fail-on none >"$WORK/out.json" 2>"$WORK/err.txt" || rc=$?
  end=$(date +%s%N)
  local digest
  digest=$(python3 - "$WORK" <<'EOF'
import hashlib, json, sys
work = sys.argv[1]
try:
    d = json.load(open(f"{work}/out.json"))
except Exception:
    print("no report")
    sys.exit()
# The whole report but the tool version and the settings, and the warnings on stderr (stale
# mutes name their line), with the temporary directory's name left out.
body = {k: v for k, v in d.items() if k not in ("tool", "settings")}
body["stderr"] = open(f"{work}/err.txt").read()
text = json.dumps(body, sort_keys=True).replace(work, "WORK")
h = hashlib.sha256(text.encode()).hexdigest()[:12]
print(f'{len(d["results"])} results, digest {h}')
EOF
)
  printf '%-44s %8.2f s  exit %d  %10d bytes  %s\n' "$label" \
    "$(echo "($end - $start) / 1000000000" | bc -l)" "$rc" "$(wc -c <"$WORK/out.json")" "$digest"
  if [ "$rc" -eq 2 ]; then
    echo "    $(head -c 300 "$WORK/err.txt")"
  fi
}

settings() {
  local n="${SETTINGS_N:-10000}"
  echo "== per-method settings: N resources x 2 methods, N/10 overrides (GW305-GW308, GW501, GW505-GW507)"
  for m in 1 2 4; do
    local size=$((n * m))
    $GEN settings "$size" "$WORK/settings.json"
    run "$size resources, $((size / 10)) overrides" --snapshot "$WORK/settings.json"
  done
}

policy() {
  local n="${POLICY_N:-1250}"
  echo "== resource policy: N statements (GW101, GW201, GW204, GW401)"
  for m in 1 2 4; do
    local size=$((n * m))
    $GEN policy "$size" mixed "$WORK/policy.json"
    run "$size mixed statements ($(($(wc -c <"$WORK/policy.json") / 1024)) KB)" --snapshot "$WORK/policy.json"
  done
  for m in 1 2 4; do
    local size=$((n * m))
    $GEN policy "$size" mixed-glob "$WORK/policy.json"
    run "$size mixed, Denies with inner wildcards" --snapshot "$WORK/policy.json"
  done
  for kind in allow deny; do
    $GEN policy $((n * 4)) "$kind" "$WORK/policy.json"
    run "$((n * 4)) $kind-only statements" --snapshot "$WORK/policy.json"
  done
}

mutes() {
  local n="${MUTES_N:-10000}"
  echo "== configuration: N [[mute]] tables, empty snapshot"
  $GEN empty "$WORK/empty.json"
  for m in 1 2 4; do
    local size=$((n * m))
    $GEN mutes "$size" 0 "$WORK/mutes.toml"
    run "$size mutes ($(($(wc -c <"$WORK/mutes.toml") / 1024)) KB)" --snapshot "$WORK/empty.json" --config "$WORK/mutes.toml"
  done
  $GEN mutes 1000 20 "$WORK/mutes.toml"
  run "1000 mutes after a 20 MB comment" --snapshot "$WORK/empty.json" --config "$WORK/mutes.toml"
}

account() {
  local n="${ACCOUNT_N:-65536}"
  echo "== demo snapshot with an N-byte account_id (rejected at load time since issue 12)"
  for m in 1 2 4; do
    local size=$((n * m))
    $GEN account "$size" "$WORK/account.json"
    run "account_id of $size bytes" --snapshot "$WORK/account.json"
  done
}

# A terminal table wraps text at whitespace; an unbroken run used to cost its square.
table() {
  local n="${NAME_N:-16384}"
  echo "== demo with an unbroken API name of N characters, rendered as a table and as Markdown"
  for m in 1 2 4; do
    local size=$((n * m))
    $GEN name "$size" "$WORK/name.json"
    for format in table markdown; do
      local start end rc=0
      start=$(date +%s%N)
      "$BIN" scan --snapshot "$WORK/name.json" --format "$format" --fail-on none \
        >"$WORK/out.txt" 2>/dev/null || rc=$?
      end=$(date +%s%N)
      printf '%-44s %8.2f s  exit %d  %10d bytes\n' "name of $size chars, $format" \
        "$(echo "($end - $start) / 1000000000" | bc -l)" "$rc" "$(wc -c <"$WORK/out.txt")"
    done
  done
}

loggroups() {
  local n="${LOGGROUPS_N:-5000}"
  echo "== N stages logging executions and their N log groups (GW507)"
  for m in 1 2 4; do
    local size=$((n * m))
    $GEN loggroups "$size" "$WORK/loggroups.json"
    run "$size stages, $size log groups" --snapshot "$WORK/loggroups.json" --rules GW507
  done
}

case "${1:-all}" in
  settings) settings ;;
  policy) policy ;;
  mutes) mutes ;;
  account) account ;;
  table) table ;;
  loggroups) loggroups ;;
  all) settings; policy; mutes; account; table; loggroups ;;
  *) echo "usage: $0 [settings|policy|mutes|account|table|loggroups|all]" >&2; exit 2 ;;
esac
