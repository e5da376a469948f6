#!/usr/bin/env python3
"""Writes a large snapshot by replicating a realistic account's REST APIs (issue 13).

    replicate_snapshot.py N [SOURCE.json] [--accounts A] > OUT.json

Every REST API of SOURCE (default: the bundled demo account) is copied in turn until there are N,
each copy under a fresh 10-character id that also replaces the id inside its ARNs and policy. The
copies stay in the region of their original, so per-region lookups (domains, plans, web ACLs)
work at the size they would in a real account. Deterministic: the same N gives the same bytes.

With --accounts A, the result is an organization's snapshot (schema version 2) of A accounts, each
that account under its own 12-digit id: A files for `--output-to sarif=DIR/`.
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


def organization(snap, accounts):
    account_id = snap["account_id"]
    text = json.dumps({k: snap[k] for k in ("regions", "iam", "collection_errors")})
    members = []
    for i in range(accounts):
        member = f"{100000000000 + i:012d}"
        members.append({"account_id": member, **json.loads(text.replace(account_id, member))})
    return {
        "schema_version": 2,
        "tool_version": snap["tool_version"],
        "collected_at": snap["collected_at"],
        "partition": snap["partition"],
        "accounts": members,
        "not_scanned": [],
    }


def main():
    args = sys.argv[1:]
    accounts = None
    if "--accounts" in args:
        at = args.index("--accounts")
        accounts = int(args[at + 1])
        del args[at : at + 2]
    n = int(args[0])
    source = args[1] if len(args) > 1 else "fixtures/demo/demo-account.json"
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
    if accounts is not None:
        snap = organization(snap, accounts)
    json.dump(snap, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
