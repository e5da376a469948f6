"""Seeds a moto server with an AWS Organization for gwaudit's account-selection tests.

Run by tests/org_accounts.rs with the project's venv python:
    python tests/moto/seed_org.py --endpoint http://127.0.0.1:PORT --region af-south-1
Prints a JSON summary (ids created) on stdout. Idempotent against one server: a second run
finds the organization, accounts and OUs by name and returns the same ids.

The caller ("testing" keys) is moto's default account, which becomes the management account.
Layout:
    root
      gw-dev                      (ACTIVE)
      gw-closed                   (SUSPENDED, through CloseAccount)
      OU gw-prod
        gw-prod-a                 (ACTIVE; holds a REST API created through an assumed role)
        OU gw-prod-eu
          gw-prod-eu              (ACTIVE)
      OU gw-bulk                  (21 ACTIVE accounts: more than one page of
                                   ListAccountsForParent, whose page is 20)
      OU gw-multi                 (4 ACTIVE accounts, each with a REST API, one open GET
                                   method, and an HTTP API in each of MULTI_REGIONS: the
                                   organization scan's accounts x regions)
All mutating calls live here, in the test harness: gwaudit itself only reads.
"""
import argparse
import json

import boto3

BULK = 21
MULTI = 4
# Regions no other test seeds, so the management account has nothing there.
MULTI_REGIONS = ["ap-southeast-2", "eu-central-1"]


def client(service, endpoint, region, creds=None):
    creds = creds or {"AccessKeyId": "testing", "SecretAccessKey": "testing"}
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
    )


def assume(endpoint, region, account, role="GwauditReadOnly"):
    sts = client("sts", endpoint, region)
    out = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="seed")
    return out["Credentials"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--region", required=True, help="region of the APIs the seed creates")
    a = p.parse_args()
    org = client("organizations", a.endpoint, "us-east-1")
    try:
        desc = org.describe_organization()["Organization"]
    except org.exceptions.AWSOrganizationsNotInUseException:
        desc = org.create_organization(FeatureSet="ALL")["Organization"]
    root = org.list_roots()["Roots"][0]["Id"]

    existing = {}
    for page in org.get_paginator("list_accounts").paginate():
        for acct in page["Accounts"]:
            existing[acct["Name"]] = acct

    def account(name):
        if name not in existing:
            status = org.create_account(Email=f"{name}@example.com", AccountName=name)
            acct_id = status["CreateAccountStatus"]["AccountId"]
            existing[name] = org.describe_account(AccountId=acct_id)["Account"]
        return existing[name]["Id"]

    def ou(name, parent):
        for page in org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
            for unit in page["OrganizationalUnits"]:
                if unit["Name"] == name:
                    return unit["Id"]
        return org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    def move(acct_id, dest):
        src = org.list_parents(ChildId=acct_id)["Parents"][0]["Id"]
        if src != dest:
            org.move_account(AccountId=acct_id, SourceParentId=src, DestinationParentId=dest)

    prod = ou("gw-prod", root)
    prod_eu = ou("gw-prod-eu", prod)
    bulk = ou("gw-bulk", root)
    accounts = {name: account(name) for name in ["gw-dev", "gw-closed", "gw-prod-a", "gw-prod-eu"]}
    move(accounts["gw-prod-a"], prod)
    move(accounts["gw-prod-eu"], prod_eu)
    bulk_ids = []
    for i in range(BULK):
        acct_id = account(f"gw-bulk-{i:02}")
        move(acct_id, bulk)
        bulk_ids.append(acct_id)
    if existing["gw-closed"].get("Status") != "SUSPENDED":
        org.close_account(AccountId=accounts["gw-closed"])

    # One REST API in the member account (created with the member's own, assumed,
    # credentials) and one in the management account, in the same region: a scan through the
    # member's role must see only the first.
    def api(name, creds=None, region=a.region):
        apigw = client("apigateway", a.endpoint, region, creds)
        for item in apigw.get_rest_apis()["items"]:
            if item["name"] == name:
                return item["id"]
        api_id = apigw.create_rest_api(name=name, endpointConfiguration={"types": ["REGIONAL"]})["id"]
        root_res = [r for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/"][0]
        apigw.put_method(restApiId=api_id, resourceId=root_res["id"], httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(
            restApiId=api_id, resourceId=root_res["id"], httpMethod="GET", type="MOCK",
            requestTemplates={"application/json": '{"statusCode": 200}'},
        )
        apigw.create_deployment(restApiId=api_id, stageName="dev")
        return api_id

    member_api = api("member-api", assume(a.endpoint, a.region, accounts["gw-prod-a"]))
    mgmt_api = api("management-api")

    def http_api(name, creds, region):
        v2 = client("apigatewayv2", a.endpoint, region, creds)
        for item in v2.get_apis()["Items"]:
            if item["Name"] == name:
                return item["ApiId"]
        api_id = v2.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
        v2.create_route(ApiId=api_id, RouteKey="GET /items", AuthorizationType="NONE")
        v2.create_stage(ApiId=api_id, StageName="$default")
        return api_id

    multi = ou("gw-multi", root)
    multi_accounts = {}
    for i in range(MULTI):
        acct_id = account(f"gw-multi-{i}")
        move(acct_id, multi)
        creds = assume(a.endpoint, a.region, acct_id)
        multi_accounts[acct_id] = {
            region: {
                "rest": api(f"multi-{i}-rest", creds, region),
                "http": http_api(f"multi-{i}-http", creds, region),
            }
            for region in MULTI_REGIONS
        }

    # Credentials of an account outside any organization, for the "not in an organization"
    # case (moto maps an assumed role's keys to the role's account).
    outsider = assume(a.endpoint, a.region, "999999999999")
    print(json.dumps({
        "organization_id": desc["Id"],
        "management_account": desc["MasterAccountId"],
        "root": root,
        "ous": {"prod": prod, "prod_eu": prod_eu, "bulk": bulk, "multi": multi},
        "multi": {"regions": MULTI_REGIONS, "accounts": multi_accounts},
        "accounts": accounts,
        "bulk": bulk_ids,
        "member_api": member_api,
        "management_api": mgmt_api,
        "outsider": {k: outsider[k] for k in ["AccessKeyId", "SecretAccessKey", "SessionToken"]},
    }))


if __name__ == "__main__":
    main()
