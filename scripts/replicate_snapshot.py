#!/usr/bin/env python3
"""Writes a large snapshot by replicating a realistic account's REST APIs (issue 13).

    replicate_snapshot.py N [SOURCE.json] > OUT.json

Every REST API of SOURCE (default: the bundled demo account) is copied in turn until there are N,
each copy under a fresh 10-character id that also replaces the id inside its ARNs and policy. The
copies stay in the region of their original, so per-region lookups (domains, plans, web ACLs)
work at the size they would in a real account. Deterministic: the same N gives the same bytes.
"""

import json
import sys


def fresh_id(n):
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    out = []
    for _ in range(10):
        n, r = divmod(n, len(alphabet))
        out.append(alphabet[r])
    return "".join(out)


def main():
    n = int(sys.argv[1])
    source = sys.argv[2] if len(sys.argv) > 2 else "fixtures/demo/demo-account.json"
    with open(source) as f:
        snap = json.load(f)
    originals = [
        (region, json.dumps(api))
        for region in snap["regions"]
        for api in region.get("rest_apis", [])
    ]
    if not originals:
        sys.exit(f"{source} has no REST APIs to replicate")
    for region in snap["regions"]:
        region["rest_apis"] = []
    for i in range(n):
        region, text = originals[i % len(originals)]
        old_id = json.loads(text)["id"]
        api = json.loads(text.replace(old_id, fresh_id(i)))
        api["name"] = f"{api['name']}-{i}"
        region["rest_apis"].append(api)
    json.dump(snap, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
