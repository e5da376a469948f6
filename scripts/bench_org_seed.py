"""Seeds a fresh moto server with an AWS Organization for scripts/bench-org.sh (not a test).

    python scripts/bench_org_seed.py --endpoint URL --ou NAME --accounts N --regions r1,r2 \
        --rest 10 --resources 3 --http 1

Creates the organization if needed (moto's default account is its management account), an OU
NAME holding N new member accounts, and in each account and region (through the account's
assumed role, so the APIs belong to it) REST APIs of RESOURCES resources with GET and POST
methods and one stage, and HTTP APIs with one route and a stage. Prints a JSON summary: the
organization, the OU and the account ids. All mutating calls live here, in the benchmark
harness: gwaudit itself only reads.
"""
import argparse
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "moto"))
from seed_org import assume, client  # noqa: E402
from seed import seed_rest  # noqa: E402


def seed_account(endpoint, account, regions, rest, resources, http):
    creds = assume(endpoint, regions[0], account)
    for region in regions:
        apigw = client("apigateway", endpoint, region, creds)
        for i in range(rest):
            seed_rest(apigw, f"bench-rest-{i}", resources=resources, methods=("GET", "POST"))
        v2 = client("apigatewayv2", endpoint, region, creds)
        for i in range(http):
            api = v2.create_api(Name=f"bench-http-{i}", ProtocolType="HTTP")
            v2.create_route(ApiId=api["ApiId"], RouteKey="GET /items", AuthorizationType="NONE")
            v2.create_stage(ApiId=api["ApiId"], StageName="$default")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--ou", required=True)
    p.add_argument("--accounts", type=int, required=True)
    p.add_argument("--regions", required=True, help="comma-separated")
    p.add_argument("--rest", type=int, default=10)
    p.add_argument("--resources", type=int, default=3)
    p.add_argument("--http", type=int, default=1)
    a = p.parse_args()
    regions = a.regions.split(",")
    org = client("organizations", a.endpoint, "us-east-1")
    try:
        desc = org.describe_organization()["Organization"]
    except org.exceptions.AWSOrganizationsNotInUseException:
        desc = org.create_organization(FeatureSet="ALL")["Organization"]
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name=a.ou)["OrganizationalUnit"]["Id"]
    accounts = []
    for i in range(a.accounts):
        status = org.create_account(Email=f"{a.ou}-{i}@example.com", AccountName=f"{a.ou}-{i}")
        account = status["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
        accounts.append(account)
    # moto's server answers requests on several threads; a few seeders at once fill it faster.
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(
            lambda acct: seed_account(a.endpoint, acct, regions, a.rest, a.resources, a.http),
            accounts,
        ))
    print(json.dumps({
        "organization_id": desc["Id"],
        "management_account": desc["MasterAccountId"],
        "ou": ou,
        "accounts": sorted(accounts),
    }))


if __name__ == "__main__":
    main()
