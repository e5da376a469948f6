#!/usr/bin/env python3
"""Writes the inputs of scripts/bench-slow-shapes.sh (issue 12, "inputs that make it slow").

    slow_shapes.py settings N OUT.json        N resources x 2 methods, N/10 methodSettings overrides
    slow_shapes.py policy N KIND OUT.json     a resource policy of N statements;
                                              KIND: mixed|mixed-glob|allow|deny
    slow_shapes.py mutes N COMMENT_MB OUT.toml  N [[mute]] tables after a COMMENT_MB MB comment
    slow_shapes.py empty OUT.json             a snapshot with one empty region
    slow_shapes.py account BYTES OUT.json     the demo snapshot with a BYTES-long account_id
    slow_shapes.py loggroups N OUT.json       N REST APIs whose stages log executions, and
                                              the N execution log groups

Every input is deterministic, so two binaries given the same arguments see the same bytes.
"""

import json
import sys

ACCOUNT = "111122223333"
REGION = "us-east-1"


def snapshot(rest_apis):
    return {
        "schema_version": 1,
        "partition": "aws",
        "account_id": ACCOUNT,
        "regions": [
            {
                "region": REGION,
                "rest_apis": rest_apis,
                "v2_apis": [],
                "domain_names": [],
                "usage_plans": [],
                "api_keys": [],
                "client_certificates": [],
                "web_acls": [],
                "log_groups": [],
                "trails": [],
            }
        ],
    }


def settings(n):
    """One REST API with n resources (GET and POST each) and one stage whose methodSettings
    hold a stage-wide entry and n/10 per-method overrides, in the encoded (`~1`) form AWS
    returns, plus a few in the lenient plain form. Half the overrides name methods that exist."""
    resources = [{"id": "root", "path": "/", "methods": []}]
    for i in range(n):
        resources.append(
            {
                "id": f"r{i}",
                "path": f"/svc{i}/items",
                "methods": [
                    {"http_method": "GET", "authorization_type": "AWS_IAM"},
                    {"http_method": "POST", "authorization_type": "AWS_IAM"},
                ],
            }
        )
    overrides = {
        "*/*": {
            "logging_level": "ERROR",
            "metrics_enabled": True,
            "data_trace_enabled": False,
        }
    }
    for k in range(n // 10):
        # Every other override names a method that exists; the others a deleted resource.
        i = 2 * k if k % 2 == 0 else n + k
        method = "GET" if k % 3 else "POST"
        key = f"~1svc{i}~1items/{method}"
        if k % 7 == 0:
            key = f"/svc{i}/items/{method.lower()}"  # lenient form
        overrides[key] = {
            "logging_level": ["OFF", "INFO", "ERROR"][k % 3],
            "metrics_enabled": k % 4 != 0,
            "data_trace_enabled": k % 5 == 0,
            "caching_enabled": k % 2 == 0,
            "cache_data_encrypted": k % 3 == 0,
        }
    api = {
        "id": "slowapi001",
        "name": "many-overrides",
        "endpoint_types": ["REGIONAL"],
        "resources": resources,
        "stages": [
            {
                "stage_name": "prod",
                "cache_cluster_enabled": True,
                "tracing_enabled": True,
                "method_settings": overrides,
            }
        ],
        "authorizers": [],
    }
    return snapshot([api])


def policy(n, kind):
    """One REGIONAL REST API whose resource policy has n statements: Allows open to anyone on
    one method each and Denies on the same or another method, with a negated condition on a
    restricting key (some take an Allow back, most cover another method). `mixed` and
    `mixed-glob` alternate them, `allow` and `deny` keep one kind."""
    statements = []
    for i in range(n):
        allow = kind == "allow" or (kind.startswith("mixed") and i % 2 == 0)
        path = f"execute-api:/prod/GET/items{i // 2}"
        if allow:
            s = {
                "Sid": f"Allow{i}",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": path,
            }
        else:
            # One Deny in 8 covers its Allow (a prefix pattern), the others another method.
            # `mixed-glob`: the others name the method on every stage (an inner wildcard).
            stage = "*" if kind == "mixed-glob" else "prod"
            resource = (
                f"execute-api:/prod/GET/items{i // 2}*"
                if i % 8 == 1
                else f"execute-api:/{stage}/POST/items{i // 2}"
            )
            s = {
                "Sid": f"Deny{i}",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": resource,
                "Condition": {"StringNotEquals": {"aws:SourceVpce": f"vpce-{i:08x}"}},
            }
        statements.append(s)
    doc = {"Version": "2012-10-17", "Statement": statements}
    api = {
        "id": "policyapi1",
        "name": "big-policy",
        "endpoint_types": ["REGIONAL"],
        "policy": json.dumps(doc),
        "resources": [
            {
                "id": "r0",
                "path": "/items0",
                "methods": [{"http_method": "GET", "authorization_type": "NONE"}],
            }
        ],
        "stages": [{"stage_name": "prod"}],
        "authorizers": [],
    }
    return snapshot([api])


def mutes(n, comment_mb):
    lines = []
    if comment_mb:
        line = "# " + "x" * 1021 + "\n"
        lines.append(line * (comment_mb * 1024))
    for i in range(n):
        lines.append(
            "[[mute]]\n"
            f'rules = ["GW{101 + i % 5}"]\n'
            f'resources = ["arn:aws:apigateway:us-east-1::/restapis/api{i:06d}/*"]\n'
            f'reason = "accepted risk #{i}"\n'
            "expires = 2099-12-31\n\n"
        )
    return "".join(lines)


def account(nbytes):
    with open("fixtures/demo/demo-account.json") as f:
        doc = json.load(f)
    doc["account_id"] = ("1234567890" * (nbytes // 10 + 1))[:nbytes]
    return doc


def loggroups(n):
    """N REST APIs with one stage each that logs executions, and the log group of each: a large
    account has a log group per stage (GW507 once searched the list for each)."""
    apis, groups = [], []
    for i in range(n):
        api_id = f"lg{i:08d}"
        apis.append(
            {
                "id": api_id,
                "name": f"api-{i}",
                "endpoint_types": ["REGIONAL"],
                "resources": [{"id": "root", "path": "/", "methods": []}],
                "stages": [
                    {
                        "stage_name": "prod",
                        "method_settings": {"*/*": {"logging_level": "INFO"}},
                    }
                ],
                "authorizers": [],
            }
        )
        groups.append(
            {
                "name": f"API-Gateway-Execution-Logs_{api_id}/prod",
                "retention_in_days": 365 if i % 2 else None,
            }
        )
    doc = snapshot(apis)
    doc["regions"][0]["log_groups"] = groups
    return doc


def name(nchars):
    with open("fixtures/demo/demo-account.json") as f:
        doc = json.load(f)
    doc["regions"][0]["rest_apis"][0]["name"] = "n" * nchars
    return doc


def main(argv):
    shape, args, out = argv[1], argv[2:-1], argv[-1]
    if shape == "settings":
        data = json.dumps(settings(int(args[0])))
    elif shape == "policy":
        data = json.dumps(policy(int(args[0]), args[1]))
    elif shape == "mutes":
        data = mutes(int(args[0]), int(args[1]))
    elif shape == "empty":
        data = json.dumps(snapshot([]))
    elif shape == "account":
        data = json.dumps(account(int(args[0])))
    elif shape == "name":
        data = json.dumps(name(int(args[0])))
    elif shape == "loggroups":
        data = json.dumps(loggroups(int(args[0])))
    else:
        sys.exit(f"unknown shape {shape}")
    with open(out, "w") as f:
        f.write(data)


if __name__ == "__main__":
    main(sys.argv)
