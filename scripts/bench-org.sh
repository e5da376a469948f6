#!/usr/bin/env bash
# Organization collection benchmark (not a test). On a fresh moto server it seeds an
# organization of MEDIUM member accounts (default 10), each with REST APIs (10, 3 resources of
# GET and POST) and an HTTP API in two regions, and scans it through the quota proxy
# (examples/quota_proxy.rs, the tests' proxy) enforcing SCALE (default a fifth) of API
# Gateway's quota for each account and region, with LATENCY_MS (default 40) added to every
# request; gwaudit is told the same (--max-rps 9 x SCALE), so every account-region is
# quota-bound. In the same run it measures:
#   - one of those accounts scanned alone, and the whole organization (scan --org, the
#     management account excluded): wall time, ratio (target <= 2: accounts run at once, each
#     within its own quota), calls and throttled answers as gwaudit counted them, requests and
#     quota refusals as the proxy counted them, peak RSS;
#   - SMALL accounts (default 200) of one REST API in one region (scan --ou): peak RSS
#     (target < 300 MB) and wall time.
# PROFILE=dev uses the debug build (quicker to build, slower to run); default release.
set -euo pipefail
cd "$(dirname "$0")/.."
MEDIUM=${MEDIUM:-10}
SMALL=${SMALL:-200}
SCALE=${SCALE:-0.2}
LATENCY_MS=${LATENCY_MS:-40}
PROFILE=${PROFILE:-release}
REGION_A=us-east-2
REGION_B=us-west-2
ROLE=GwauditReadOnly
# shellcheck source=scripts/moto.sh
source scripts/moto.sh
cargo build --profile "$PROFILE" --quiet --bin gwaudit --example quota_proxy
OUT_DIR=target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
BIN=$OUT_DIR/gwaudit
WORK="$(mktemp -d)"
PROXY_PID=
trap 'kill $PROXY_PID "$MOTO_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "==> seeding $MEDIUM accounts x 2 regions x (10 REST APIs of 3 resources + 1 HTTP API)"
"$GWAUDIT_PYTHON" scripts/bench_org_seed.py --endpoint "$GWAUDIT_MOTO_URL" --ou bench-medium \
  --accounts "$MEDIUM" --regions "$REGION_A,$REGION_B" --rest 10 --resources 3 --http 1 \
  > "$WORK/medium.json"
"$OUT_DIR/examples/quota_proxy" "$GWAUDIT_MOTO_URL" "$SCALE" "$LATENCY_MS" > "$WORK/proxy" &
PROXY_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/proxy" ] && break; sleep 0.1; done
PROXY_URL="$(head -1 "$WORK/proxy")"
MAX_RPS=$("$GWAUDIT_PYTHON" -c "print(round(9 * $SCALE, 3))")
MGMT=$("$GWAUDIT_PYTHON" -c "import json; print(json.load(open('$WORK/medium.json'))['management_account'])")
ONE=$("$GWAUDIT_PYTHON" -c "import json; print(json.load(open('$WORK/medium.json'))['accounts'][0])")

# run LABEL ARGS...: one scan through the proxy, timed by /usr/bin/time -v; writes
# $WORK/LABEL.{json,err,time,proxy-before,proxy-after}.
run() {
  local label="$1"
  shift
  echo "==> $label: gwaudit scan $*"
  curl -s "$PROXY_URL/__proxy_stats" > "$WORK/$label.proxy-before"
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent NO_COLOR=1 \
    /usr/bin/time -v -o "$WORK/$label.time" \
    "$BIN" scan --endpoint-url "$PROXY_URL" --role-name "$ROLE" --max-rps "$MAX_RPS" \
    --format json -o "$WORK/$label.json" --fail-on none "$@" 2> "$WORK/$label.err" || {
    echo "gwaudit failed:" >&2
    cat "$WORK/$label.err" >&2
    exit 1
  }
  curl -s "$PROXY_URL/__proxy_stats" > "$WORK/$label.proxy-after"
}

run one --accounts "$ONE" --region "$REGION_A" --region "$REGION_B"
run org --org --exclude-accounts "$MGMT" --region "$REGION_A" --region "$REGION_B"
echo "==> seeding $SMALL accounts x 1 region x 1 REST API of 1 resource"
"$GWAUDIT_PYTHON" scripts/bench_org_seed.py --endpoint "$GWAUDIT_MOTO_URL" --ou bench-small \
  --accounts "$SMALL" --regions "$REGION_A" --rest 1 --resources 1 --http 0 > "$WORK/small.json"
SMALL_OU=$("$GWAUDIT_PYTHON" -c "import json; print(json.load(open('$WORK/small.json'))['ou'])")
run small --ou "$SMALL_OU" --region "$REGION_A"

"$GWAUDIT_PYTHON" - "$WORK" "$MEDIUM" "$SMALL" "$SCALE" "$LATENCY_MS" "$MAX_RPS" <<'PY'
import json, re, sys
work, medium, small, scale, latency, max_rps = sys.argv[1:]

def measure(label):
    text = open(f"{work}/{label}.time").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    err = open(f"{work}/{label}.err").read()
    m = re.search(r"(\d+) accounts scanned, (\d+) not scanned; (\d+) calls \((\d+) throttled\), (\d+) failed", err)
    before = json.load(open(f"{work}/{label}.proxy-before"))
    after = json.load(open(f"{work}/{label}.proxy-after"))
    report = json.load(open(f"{work}/{label}.json"))
    apis = sum((r.get("apis") or 0) for a in report["scan"]["accounts"] for r in a["regions"])
    return {
        "secs": secs, "rss_mb": rss_kb / 1024,
        "scanned": int(m.group(1)), "not_scanned": int(m.group(2)),
        "calls": int(m.group(3)), "throttled": int(m.group(4)), "failed": int(m.group(5)),
        "requests": after["requests"] - before["requests"],
        "refused": after["quota_throttled"] - before["quota_throttled"],
        "apis": apis, "results": len(report["results"]),
    }

print(f"\nquota: {scale} of API Gateway's per account-region quota, +{latency} ms per request; gwaudit --max-rps {max_rps}")
rows = [("one", "1 account x 2 regions"), ("org", f"{medium} accounts x 2 regions (scan --org)"),
        ("small", f"{small} accounts x 1 region (scan --ou)")]
got = {}
for label, what in rows:
    r = got[label] = measure(label)
    print(f"{what}: {r['secs']:.1f} s, peak RSS {r['rss_mb']:.0f} MB; {r['scanned']} scanned, "
          f"{r['not_scanned']} not scanned, {r['apis']} APIs, {r['results']} results; "
          f"gwaudit: {r['calls']} calls, {r['throttled']} throttled answers, {r['failed']} failed calls; "
          f"proxy: {r['requests']} requests, {r['refused']} refused for quota")
ratio = got["org"]["secs"] / got["one"]["secs"]
print(f"\norganization / one account wall time: {ratio:.2f} (target <= 2)")
print(f"peak RSS, {small} small accounts: {got['small']['rss_mb']:.0f} MB (target < 300)")
PY
