#!/usr/bin/env bash
# Live collection benchmark (not a test). Seeds moto with 40 REST APIs (10 resources x 2
# methods, 2 stages) and 10 HTTP APIs, then collects through a proxy that enforces API
# Gateway's quota (10 rps, burst 40; GetResources 5 per 2 s) and adds 40 ms per call.
# Reports calls per REST API, total calls, wall time against the physical limit
# max(REST APIs / 2.5, calls / 10) seconds, and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
REST=${REST:-40}
HTTP=${HTTP:-10}
REGION=us-east-1
# shellcheck source=scripts/moto.sh
source scripts/moto.sh
cargo build --release --quiet --bin gwaudit --example quota_proxy
echo "==> seeding $REST REST APIs and $HTTP HTTP APIs"
"$GWAUDIT_PYTHON" tests/moto/seed.py --endpoint "$GWAUDIT_MOTO_URL" --region "$REGION" \
  --rest "$REST" --resources 10 --stages 2 --http "$HTTP" > /dev/null
PROXY_OUT="$(mktemp)"
target/release/examples/quota_proxy "$GWAUDIT_MOTO_URL" > "$PROXY_OUT" &
PROXY_PID=$!
trap 'kill "$PROXY_PID" "$MOTO_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [ -s "$PROXY_OUT" ] && break; sleep 0.1; done
PROXY_URL="$(head -1 "$PROXY_OUT")"
SNAP="$(mktemp -d)/snapshot.json"
echo "==> collecting through the quota proxy at $PROXY_URL"
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  /usr/bin/time -f "%e %M" -o "$SNAP.time" \
  target/release/gwaudit collect --endpoint-url "$PROXY_URL" --region "$REGION" --quiet -o "$SNAP"
PROXY_STATS="$("$GWAUDIT_PYTHON" -c "import urllib.request; print(urllib.request.urlopen('$PROXY_URL/__proxy_stats').read().decode())")"
"$GWAUDIT_PYTHON" - "$SNAP" "$REST" "$PROXY_STATS" <<'PY'
import json, sys
snap = json.load(open(sys.argv[1]))
rest = int(sys.argv[2])
proxy = json.loads(sys.argv[3])
wall, rss = open(sys.argv[1] + ".time").read().split()
calls = snap["collection_stats"]["api_calls"]
per_api_ops = ["apigateway:GetResources", "apigateway:GetStages", "apigateway:GetAuthorizers", "apigateway:GetRequestValidators"]
per_rest = sum(calls.get(o, 0) for o in per_api_ops) / rest
apigw_calls = sum(v for k, v in calls.items() if k.startswith("apigateway"))
total = sum(calls.values())
limit = max(rest / 2.5, apigw_calls / 10)
print(f"REST APIs collected: {len(snap['regions'][0]['rest_apis'] or [])}, HTTP APIs: {len(snap['regions'][0]['v2_apis'] or [])}")
print(f"API calls per REST API: {per_rest:.2f} (target <= 4)")
print(f"API Gateway calls: {apigw_calls}; all calls: {total}; HTTP attempts: {snap['collection_stats']['attempts']}")
print(f"throttled by the proxy: {proxy['quota_throttled']} of {proxy['apigateway_requests']} API Gateway requests")
print(f"wall time: {float(wall):.1f} s; physical limit max({rest}/2.5, {apigw_calls}/10) = {limit:.1f} s; ratio {float(wall)/limit:.2f} (target <= 1.3)")
print(f"peak memory: {int(rss)/1024:.1f} MiB")
print(f"collection errors: {len(snap['collection_errors'])} ({sorted(set(e['operation'] for e in snap['collection_errors']))})")
PY
