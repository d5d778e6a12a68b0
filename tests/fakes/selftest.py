#!/usr/bin/env python3
"""Self-test of the AWS test doubles against real moto (loopback only).

    .ci/.venv/bin/python tests/fakes/selftest.py [--demo fixtures/demo/aws] [--keep DIR]

Starts fakes.py, runs seed_demo.py against it, checks the dumps, fault injection,
GetAccountAuthorizationDetails paging, canned EKS Pod Identity, the credential
report's root row, /__reset, then SIGTERM and --exit-on-stdin-eof shutdown.
Prints one line per check and a closing "N passed, N failed" line; exits 1 on failure.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")

results: list[tuple[str, bool, str]] = []


def check(name):
    """Decorator that runs the check at once and records its outcome."""

    def deco(fn):
        t = time.time()
        try:
            fn()
            results.append((name, True, ""))
            print(f"ok   {name} ({time.time() - t:.1f} s)", flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure
            detail = "".join(traceback.format_exception_only(type(e), e)).strip()
            results.append((name, False, detail))
            print(f"FAIL {name}: {detail}", flush=True)
        return fn

    return deco


def start_fakes(state_path: str, stdin=subprocess.DEVNULL, extra=()):
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "fakes.py"), "--state", state_path, *extra],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if os.path.exists(state_path) and os.path.getsize(state_path) > 0:
            with open(state_path) as f:
                return proc, json.load(f)
        if proc.poll() is not None:
            raise RuntimeError(f"fakes.py exited {proc.returncode}: {proc.stderr.read().decode()}")
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("fakes.py did not write its state file in 60 s")


def http(method: str, url: str, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def read_docs(path: str) -> list:
    """A file of one or more concatenated JSON documents."""
    raw = open(path).read()
    dec, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(raw) and raw[i].isspace():
            i += 1
        if i >= len(raw):
            return out
        doc, i = dec.raw_decode(raw, i)
        out.append(doc)


def walk(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k, v
            yield from walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk(v)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--demo", default=os.path.join(REPO, "fixtures", "demo", "aws"))
    ap.add_argument("--keep", help="write the dump here and keep it")
    args = ap.parse_args()

    for k, v in dict(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    ).items():
        os.environ[k] = v
    for k in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"):
        os.environ.pop(k, None)

    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    tmp = tempfile.mkdtemp(prefix="wiscan-fakes-")
    dump = args.keep or os.path.join(tmp, "dump")
    proc, urls = start_fakes(os.path.join(tmp, "state.json"))
    aws = urls["aws"]
    no_retry = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    fast_retry = Config(retries={"total_max_attempts": 3, "mode": "standard"})

    def client(service, region="us-east-1", config=no_retry):
        return boto3.client(service, region_name=region, endpoint_url=aws, config=config)

    def code_of(fn, **kw):
        try:
            fn(**kw)
        except ClientError as e:
            return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
        return None, 200

    try:

        @check("state file has moto and aws URLs on 127.0.0.1")
        def _():
            assert set(urls) == {"moto", "aws"}, urls
            assert all(u.startswith("http://127.0.0.1:") for u in urls.values()), urls

        @check("seed_demo.py seeds and dumps (exit 0)")
        def _():
            r = subprocess.run(
                [sys.executable, os.path.join(HERE, "seed_demo.py"), "--endpoint", aws, "--demo", args.demo, "--dump", dump],
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert r.returncode == 0, r.stderr
            assert r.stdout == "", r.stdout

        @check("dumps look like `aws --output json`")
        def _():
            expected = {
                "get-account-authorization-details.json",
                "get-credential-report.json",
                "list-open-id-connect-providers.json",
                "get-open-id-connect-provider-1.json",
                "eks-list-clusters-us-east-1.json",
                "eks-list-clusters-eu-west-1.json",
                "eks-describe-cluster-prod.json",
                "eks-describe-cluster-staging.json",
                "eks-list-pod-identity-associations-prod.json",
                "eks-describe-pod-identity-association-a-9njjin9gfghecgoda.json",
                "ec2-describe-instances-us-east-1.json",
                "ec2-describe-instances-eu-west-1.json",
            }
            names = set(os.listdir(dump))
            assert expected <= names, expected - names
            assert sum(n.startswith("ec2-describe-launch-template-versions-lt-") for n in names) == 2, names
            for n in names:
                text = open(os.path.join(dump, n)).read()
                assert text.startswith("{\n    \"") and text.endswith("}\n"), n
                for doc in read_docs(os.path.join(dump, n)):
                    assert "ResponseMetadata" not in doc, n
                    for k, v in walk(doc):
                        if k in ("CreateDate", "createdAt", "modifiedAt", "LaunchTime", "CreateTime", "GeneratedTime"):
                            assert isinstance(v, str) and ISO.match(v), (n, k, v)

        @check("dump: GAAD in several pages with the demo's counts")
        def _():
            pages = read_docs(os.path.join(dump, "get-account-authorization-details.json"))
            assert len(pages) >= 3, len(pages)
            assert all(p["IsTruncated"] for p in pages[:-1]) and not pages[-1]["IsTruncated"]
            assert all("Marker" in p for p in pages[:-1]) and "Marker" not in pages[-1]
            counts = [sum(len(p[k]) for p in pages) for k in ("UserDetailList", "GroupDetailList", "RoleDetailList")]
            assert counts == [5, 2, 50], counts
            # AWS-managed policies are there too when moto loads them (MOTO_IAM_LOAD_MANAGED_POLICIES=true).
            local = [p for pg in pages for p in pg["Policies"] if not p["Arn"].startswith("arn:aws:iam::aws:")]
            assert len(local) == 4, len(local)
            assert all(p["PolicyName"] and p["PolicyId"] for pg in pages for p in pg["Policies"])
            roles = {r["RoleName"]: r for p in pages for r in p["RoleDetailList"]}
            assert isinstance(roles["prod-orders-worker"]["AssumeRolePolicyDocument"], dict)

        @check("dump: credential report has the root row and the demo's keys")
        def _():
            rep = json.load(open(os.path.join(dump, "get-credential-report.json")))
            assert rep["ReportFormat"] == "text/csv"
            lines = base64.b64decode(rep["Content"]).decode().splitlines()
            assert lines[1].startswith("<root_account>,arn:aws:iam::123456789012:root,"), lines[1]
            rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
            hdr = lines[0].split(",")
            col = {c: i for i, c in enumerate(hdr)}
            assert rows["<root_account>"][col["access_key_1_active"]] == "true"
            assert rows["backup-agent"][col["access_key_2_active"]] == "true"
            assert rows["svc-monitoring"][col["access_key_1_active"]] == "false"
            assert rows["svc-monitoring"][col["access_key_1_last_rotated"]] != "N/A"
            assert rows["alice"][col["access_key_1_last_rotated"]] == "N/A"

        @check("dump: instances keep IMDS options; launch templates land in their clusters' regions")
        def _():
            inst = json.load(open(os.path.join(dump, "ec2-describe-instances-us-east-1.json")))
            md = sorted(
                (i["InstanceType"], i["MetadataOptions"]["HttpTokens"], i["MetadataOptions"]["HttpPutResponseHopLimit"])
                for r in inst["Reservations"]
                for i in r["Instances"]
            )
            assert len(md) == 6 and ("m6i.xlarge", "optional", 2) in md, md
            ec2_eu = client("ec2", "eu-west-1")
            names = [t["LaunchTemplateName"] for t in ec2_eu.describe_launch_templates()["LaunchTemplates"]]
            assert names == ["staging-ng-general"], names

        # ------------------------------------------------------------------ faults
        iam = client("iam")

        @check("fault: 2 x Throttling on ListRoles, then moto answers")
        def _():
            http("POST", aws + "/__reset", {})
            http("POST", aws + "/__faults", [{"match": "ListRoles", "status": 400, "aws_query_code": "Throttling", "count": 2}])
            assert code_of(iam.list_roles) == ("Throttling", 400)
            assert code_of(iam.list_roles) == ("Throttling", 400)
            assert code_of(iam.list_roles) == (None, 200)
            reqs = http("GET", aws + "/__requests")
            assert [(r["action"], r["status"], r["injected"]) for r in reqs] == [
                ("ListRoles", 400, True),
                ("ListRoles", 400, True),
                ("ListRoles", 200, False),
            ], reqs

        @check("fault: SDK retry (3 attempts) rides over 2 throttles")
        def _():
            http("POST", aws + "/__reset", {})
            http("POST", aws + "/__faults", [{"match": r"ListRoles$", "status": 400, "aws_query_code": "Throttling", "count": 2}])
            client("iam", config=fast_retry).list_roles(MaxItems=5)
            assert [r["injected"] for r in http("GET", aws + "/__requests")] == [True, True, False]

        @check("fault: EC2 error body, EKS restJson error, STS AccessDenied, raw 503 body, headers")
        def _():
            http("POST", aws + "/__reset", {})
            http(
                "POST",
                aws + "/__faults",
                [
                    {"match": "DescribeInstances", "status": 503, "aws_ec2_code": "RequestLimitExceeded", "count": 1},
                    {"match": "ListPodIdentityAssociations", "status": 429, "aws_json_code": "ThrottlingException", "count": 1},
                    {"match": "GetCallerIdentity", "status": 403, "aws_query_code": "AccessDenied", "count": 1},
                    {"match": r"^GET /clusters\?", "status": 503, "body": "<html>busy</html>", "headers": {"Retry-After": "1"}, "count": 1},
                ],
            )
            assert code_of(client("ec2").describe_instances) == ("RequestLimitExceeded", 503)
            assert code_of(client("eks").list_pod_identity_associations, clusterName="prod") == ("ThrottlingException", 429)
            assert code_of(client("sts").get_caller_identity) == ("AccessDenied", 403)
            try:
                urllib.request.urlopen(aws + "/clusters?maxResults=1", timeout=10)
                raise AssertionError("expected 503")
            except urllib.error.HTTPError as e:
                assert e.code == 503 and e.headers["Retry-After"] == "1" and e.read() == b"<html>busy</html>"
            assert code_of(client("sts").get_caller_identity) == (None, 200)

        @check("fault: delay_ms without status delays and passes through")
        def _():
            http("POST", aws + "/__faults", [{"match": "GetUser", "delay_ms": 300, "count": 1}])
            t = time.time()
            iam.get_user(UserName="alice")
            assert time.time() - t >= 0.3
            assert http("GET", aws + "/__requests")[-1]["injected"] is False

        @check("control: bad rules are refused with 400")
        def _():
            try:
                http("POST", aws + "/__faults", [{"match": "("}])
                raise AssertionError("expected 400")
            except urllib.error.HTTPError as e:
                assert e.code == 400

        @check("proxy: 16 concurrent clients x 10 calls all answered")
        def _():
            from concurrent.futures import ThreadPoolExecutor

            http("POST", aws + "/__reset", {})

            def worker(i):
                c = client("iam") if i % 2 else client("ec2", "eu-west-1")
                for _ in range(10):
                    c.list_roles(MaxItems=5) if i % 2 else c.describe_instances()
                return True

            with ThreadPoolExecutor(16) as ex:
                assert all(ex.map(worker, range(16)))
            reqs = http("GET", aws + "/__requests")
            assert len(reqs) == 160 and all(r["status"] == 200 for r in reqs), len(reqs)

        # ------------------------------------------------------------------ GAAD
        @check("GAAD: MaxItems/Marker paging, all four lists on every page")
        def _():
            http("POST", aws + "/__reset", {})
            lists = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
            full = iam.get_paginator("get_account_authorization_details").paginate(PaginationConfig={"PageSize": 1000})
            full = full.build_full_result()
            total = sum(len(full[k]) for k in lists)
            size = max(7, total // 8 + 1)  # a handful of pages whether or not AWS-managed policies are loaded
            seen, marker, n = [], None, 0
            while True:
                kw = {"MaxItems": size}
                if marker:
                    kw["Marker"] = marker
                p = iam.get_account_authorization_details(**kw)
                n += 1
                assert all(k in p for k in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"))
                items = p["UserDetailList"] + p["GroupDetailList"] + p["RoleDetailList"] + p["Policies"]
                seen += items
                if not p["IsTruncated"]:
                    assert "Marker" not in p
                    break
                assert len(items) == size and p["Marker"] == str(size * n), (len(items), p.get("Marker"))
                marker = p["Marker"]
            assert len(seen) == total and n == -(-total // size) and n > 1, (len(seen), total, n)
            assert [x.get("Arn") for x in seen] == [
                x.get("Arn") for k in lists for x in full[k]
            ]
            assert len(full["RoleDetailList"]) == 50
            f = iam.get_account_authorization_details(Filter=["Role"], MaxItems=10)
            assert f["IsTruncated"] and len(f["RoleDetailList"]) == 10 and not f["UserDetailList"]
            assert code_of(iam.get_account_authorization_details, Marker="x") == ("InvalidInput", 400)

        # ------------------------------------------------------------------ EKS
        eks = client("eks")

        @check("EKS Pod Identity: canned list pages by maxResults/nextToken and filters")
        def _():
            http("POST", aws + "/__reset", {})
            http(
                "POST",
                aws + "/__canned",
                {
                    "pod_identity_associations": [
                        {
                            "clusterName": "prod",
                            "namespace": ns,
                            "serviceAccount": sa,
                            "roleArn": f"arn:aws:iam::123456789012:role/{sa}",
                            "associationArn": f"arn:aws:eks:us-east-1:123456789012:podidentityassociation/prod/a-{i}",
                            "associationId": f"a-{i}",
                            **({"ownerArn": "arn:aws:eks::aws:addon/x"} if i == 2 else {}),
                        }
                        for i, (ns, sa) in enumerate([("a", "one"), ("a", "two"), ("b", "three")])
                    ]
                },
            )
            p1 = eks.list_pod_identity_associations(clusterName="prod", maxResults=2)
            assert [a["associationId"] for a in p1["associations"]] == ["a-0", "a-1"] and p1["nextToken"] == "2"
            assert "roleArn" not in p1["associations"][0]
            p2 = eks.list_pod_identity_associations(clusterName="prod", maxResults=2, nextToken="2")
            assert [a["associationId"] for a in p2["associations"]] == ["a-2"] and "nextToken" not in p2
            assert p2["associations"][0]["ownerArn"] == "arn:aws:eks::aws:addon/x"
            f = eks.list_pod_identity_associations(clusterName="prod", namespace="a", serviceAccount="two")
            assert [a["associationId"] for a in f["associations"]] == ["a-1"]
            assert client("eks", "eu-west-1").list_pod_identity_associations(clusterName="prod")["associations"] == []
            assert code_of(eks.list_pod_identity_associations, clusterName="prod", maxResults=101)[0] in (
                "InvalidParameterException",
                "ParamValidationError",
                None,
            )

        @check("EKS Pod Identity: describe with timestamps, 404 ResourceNotFoundException")
        def _():
            d = eks.describe_pod_identity_association(clusterName="prod", associationId="a-1")["association"]
            assert d["roleArn"].endswith("/two") and d["createdAt"].timestamp() == 1704067200.0
            assert code_of(eks.describe_pod_identity_association, clusterName="prod", associationId="nope") == (
                "ResourceNotFoundException",
                404,
            )

        # ------------------------------------------------------------------ root row
        @check("credential report: root row only while root_account is canned; __reset clears it")
        def _():
            http("POST", aws + "/__canned", {"root_account": {"access_key_1_active": "true"}})
            iam.generate_credential_report()
            lines = iam.get_credential_report()["Content"].decode().splitlines()  # boto3 decodes the blob
            hdr = lines[0].split(",")
            root = dict(zip(hdr, lines[1].split(",")))
            assert root["user"] == "<root_account>" and root["arn"] == "arn:aws:iam::123456789012:root"
            assert root["access_key_1_active"] == "true" and root["password_enabled"] == "not_supported"
            assert root["mfa_active"] == "true" and root["access_key_2_active"] == "N/A"
            assert len(lines) == 7, len(lines)
            http("POST", aws + "/__reset", {})
            lines = iam.get_credential_report()["Content"].decode().splitlines()
            assert not any(line.startswith("<root_account>") for line in lines) and len(lines) == 6
            assert eks.list_pod_identity_associations(clusterName="prod")["associations"] == []

        # ------------------------------------------------------------------ shutdown
        @check("SIGTERM stops fakes.py")
        def _():
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
            assert proc.returncode == 0, proc.returncode
            assert proc.stdout.read() == b""

        @check("--exit-on-stdin-eof: closing stdin stops fakes.py")
        def _():
            p2, _u = start_fakes(os.path.join(tmp, "state2.json"), stdin=subprocess.PIPE, extra=["--exit-on-stdin-eof"])
            p2.stdin.close()
            p2.wait(timeout=10)
            assert p2.returncode == 0, p2.returncode

    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    passed = sum(ok for _, ok, _ in results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
