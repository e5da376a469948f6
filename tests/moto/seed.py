"""Seeds a moto server with an API Gateway account for gwaudit's collector tests.

Run by tests/live_moto.rs with the project's venv python:
    python tests/moto/seed.py --endpoint http://127.0.0.1:PORT --region us-east-1 [--rest N --http N]
Prints a JSON summary (ids created) on stdout. All mutating calls live here, in the test
harness: gwaudit itself only reads.
"""
import argparse
import json

import boto3


def client(service, endpoint, region):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def seed_rest(apigw, name, resources=1, methods=("GET",), stages=("dev",), policy=None, open_method=True):
    kwargs = {"name": name, "endpointConfiguration": {"types": ["REGIONAL"]}}
    if policy:
        kwargs["policy"] = policy
    api = apigw.create_rest_api(**kwargs)
    api_id = api["id"]
    root = [r for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/"][0]
    for i in range(resources):
        res = apigw.create_resource(restApiId=api_id, parentId=root["id"], pathPart=f"res{i}")
        for m, http in enumerate(methods):
            auth = "NONE" if (open_method and m == 0) else "AWS_IAM"
            apigw.put_method(
                restApiId=api_id,
                resourceId=res["id"],
                httpMethod=http,
                authorizationType=auth,
                apiKeyRequired=False,
            )
            apigw.put_integration(
                restApiId=api_id,
                resourceId=res["id"],
                httpMethod=http,
                type="HTTP_PROXY",
                integrationHttpMethod=http,
                uri="http://backend.example.com/x",
            )
    dep = apigw.create_deployment(restApiId=api_id, stageName=stages[0])
    for s in stages[1:]:
        apigw.create_stage(restApiId=api_id, stageName=s, deploymentId=dep["id"])
    return api_id


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--rest", type=int, default=2)
    p.add_argument("--http", type=int, default=1)
    p.add_argument("--resources", type=int, default=2)
    p.add_argument("--stages", type=int, default=1)
    p.add_argument("--secrets", help="JSON object of stage variables for one more REST and HTTP stage")
    a = p.parse_args()
    apigw = client("apigateway", a.endpoint, a.region)
    v2 = client("apigatewayv2", a.endpoint, a.region)
    out = {"rest": [], "http": [], "region": a.region}
    stages = tuple(["dev", "prod", "test", "qa"][: a.stages])
    for i in range(a.rest):
        out["rest"].append(
            seed_rest(apigw, f"rest-{i}", resources=a.resources, methods=("GET", "POST"), stages=stages)
        )
    for i in range(a.http):
        api = v2.create_api(Name=f"http-{i}", ProtocolType="HTTP")
        v2.create_route(ApiId=api["ApiId"], RouteKey="GET /items", AuthorizationType="NONE")
        v2.create_stage(ApiId=api["ApiId"], StageName="$default")
        out["http"].append(api["ApiId"])
    if a.secrets:
        variables = json.loads(a.secrets)
        api_id = seed_rest(apigw, "rest-secrets", resources=1, methods=("GET",), stages=("dev",))
        dep = apigw.get_deployments(restApiId=api_id)["items"][0]["id"]
        apigw.create_stage(restApiId=api_id, stageName="vault", deploymentId=dep, variables=variables)
        api = v2.create_api(Name="http-secrets", ProtocolType="HTTP")
        v2.create_stage(ApiId=api["ApiId"], StageName="vault", StageVariables=variables)
        out["secrets"] = {"rest": api_id, "http": api["ApiId"]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
