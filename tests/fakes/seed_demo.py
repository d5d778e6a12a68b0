#!/usr/bin/env python3
"""Seed moto (through the fakes proxy) with the demo AWS account, then dump it.

    python tests/fakes/seed_demo.py --endpoint AWS_PROXY_URL --demo fixtures/demo/aws --dump DIR
                                    [--reset] [--moto-seed N]

AWS_PROXY_URL is the "aws" URL of the state file that fakes.py writes. The demo files
are AWS CLI outputs (fixtures/demo/aws/{iam,eks,ec2}/...). Everything is created in
moto's default account 123456789012 with boto3 and dummy credentials, in us-east-1 and
eu-west-1. Data moto cannot hold (EKS Pod Identity associations, the credential
report's <root_account> row) is posted to the proxy's /__canned endpoint.

Then the seeded account is read back through the same proxy and written to DIR, one
file per call, as `aws ... --output json` prints it (see --help / README.md).

Exits non-zero with a message on stderr on any failure.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import glob
import io
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

REGIONS = ("us-east-1", "eu-west-1")
AMI = "ami-12c6146b"
GAAD_PAGE_SIZE = 20


class SeedError(Exception):
    pass


def note(msg: str) -> None:
    print(f"seed_demo: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# helpers


def load(path: str):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise SeedError(f"cannot read demo file {path}: {e}") from None


def policy_doc(doc) -> str:
    """A policy document (dict, JSON string or URL-encoded JSON string) as a JSON string."""
    if isinstance(doc, str):
        text = doc.strip()
        if text.startswith("%"):
            text = urllib.parse.unquote(text)
        return json.dumps(json.loads(text))
    return json.dumps(doc)


def cli_default(obj):
    if isinstance(obj, dt.datetime):
        return obj.isoformat()
    if isinstance(obj, (bytes, bytearray)):
        return base64.b64encode(bytes(obj)).decode("ascii")
    if hasattr(obj, "read"):  # StreamingBody
        return base64.b64encode(obj.read()).decode("ascii")
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def cli_json(resp: dict) -> str:
    """What `aws ... --output json` prints for a response."""
    resp = {k: v for k, v in resp.items() if k != "ResponseMetadata"}
    return json.dumps(resp, indent=4, default=cli_default, ensure_ascii=False) + "\n"


def call(label: str, fn, **kwargs):
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return fn(**kwargs)
    except ClientError as e:
        err = e.response.get("Error", {})
        raise SeedError(f"{label}: {err.get('Code')}: {err.get('Message')}") from None
    except BotoCoreError as e:
        raise SeedError(f"{label}: {e}") from None


def full_result(label: str, client, op: str, **kwargs) -> dict:
    """All pages merged like the CLI does (auto-pagination)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return client.get_paginator(op).paginate(**kwargs).build_full_result()
    except ClientError as e:
        err = e.response.get("Error", {})
        raise SeedError(f"{label}: {err.get('Code')}: {err.get('Message')}") from None
    except BotoCoreError as e:
        raise SeedError(f"{label}: {e}") from None


def proxy_request(endpoint: str, method: str, path: str, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(endpoint.rstrip("/") + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            body = resp.read()
    except urllib.error.HTTPError as e:
        raise SeedError(f"{method} {path} on the fakes proxy: HTTP {e.code}: {e.read()[:300]!r}") from None
    except (urllib.error.URLError, OSError) as e:
        raise SeedError(f"cannot reach the fakes proxy at {endpoint} ({method} {path}): {e}") from None
    return json.loads(body) if body.strip().startswith((b"{", b"[")) else body


def tags_of(item) -> list[dict]:
    return [{"Key": t["Key"], "Value": t["Value"]} for t in item.get("Tags") or []]


# ---------------------------------------------------------------------------
# seeding


class Seeder:
    def __init__(self, endpoint: str, demo: str):
        import boto3
        from botocore.config import Config

        self.endpoint = endpoint
        self.demo = demo
        self.session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        # EC2's first call in moto can take several seconds (lazy backend load).
        self.config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=120)
        self.iam = self.client("iam", "us-east-1")
        self.skipped_aws_managed: set[str] = set()

    def client(self, service: str, region: str):
        return self.session.client(service, region_name=region, endpoint_url=self.endpoint, config=self.config)

    def path(self, *parts) -> str:
        return os.path.join(self.demo, *parts)

    # IAM -----------------------------------------------------------------

    def attach(self, kind: str, name: str, attached: list[dict]) -> None:
        fn = {
            "role": (self.iam.attach_role_policy, "RoleName"),
            "user": (self.iam.attach_user_policy, "UserName"),
            "group": (self.iam.attach_group_policy, "GroupName"),
        }[kind]
        for a in attached:
            arn = a["PolicyArn"]
            try:
                fn[0](**{fn[1]: name, "PolicyArn": arn})
            except Exception as e:  # AWS-managed policies exist only with MOTO_IAM_LOAD_MANAGED_POLICIES=true
                code = getattr(e, "response", {}).get("Error", {}).get("Code")
                if code == "NoSuchEntity" and arn.startswith("arn:aws:iam::aws:policy/"):
                    self.skipped_aws_managed.add(arn)
                    continue
                raise SeedError(f"attach {arn} to {kind} {name}: {e}") from None

    def seed_iam(self) -> None:
        gaad = load(self.path("iam", "get-account-authorization-details.json"))
        iam = self.iam

        for p in gaad.get("Policies", []):
            versions = p.get("PolicyVersionList") or []
            default = next((v for v in versions if v.get("IsDefaultVersion")), versions[0] if versions else None)
            if default is None:
                raise SeedError(f"policy {p['PolicyName']} has no version in the demo")
            kwargs = dict(PolicyName=p["PolicyName"], Path=p.get("Path", "/"), PolicyDocument=policy_doc(default["Document"]))
            if p.get("Description"):
                kwargs["Description"] = p["Description"]
            call(f"CreatePolicy {p['PolicyName']}", iam.create_policy, **kwargs)

        for g in gaad.get("GroupDetailList", []):
            name = g["GroupName"]
            call(f"CreateGroup {name}", iam.create_group, GroupName=name, Path=g.get("Path", "/"))
            for ip in g.get("GroupPolicyList") or []:
                call(
                    f"PutGroupPolicy {name}/{ip['PolicyName']}",
                    iam.put_group_policy,
                    GroupName=name,
                    PolicyName=ip["PolicyName"],
                    PolicyDocument=policy_doc(ip["PolicyDocument"]),
                )
            self.attach("group", name, g.get("AttachedManagedPolicies") or [])

        for u in gaad.get("UserDetailList", []):
            name = u["UserName"]
            kwargs = dict(UserName=name, Path=u.get("Path", "/"))
            if u.get("Tags"):
                kwargs["Tags"] = tags_of(u)
            call(f"CreateUser {name}", iam.create_user, **kwargs)
            for ip in u.get("UserPolicyList") or []:
                call(
                    f"PutUserPolicy {name}/{ip['PolicyName']}",
                    iam.put_user_policy,
                    UserName=name,
                    PolicyName=ip["PolicyName"],
                    PolicyDocument=policy_doc(ip["PolicyDocument"]),
                )
            for group in u.get("GroupList") or []:
                call(f"AddUserToGroup {name} {group}", iam.add_user_to_group, UserName=name, GroupName=group)
            self.attach("user", name, u.get("AttachedManagedPolicies") or [])

        profiles_done: set[str] = set()
        for r in gaad.get("RoleDetailList", []):
            name = r["RoleName"]
            kwargs = dict(
                RoleName=name,
                Path=r.get("Path", "/"),
                AssumeRolePolicyDocument=policy_doc(r["AssumeRolePolicyDocument"]),
            )
            if r.get("Description"):
                kwargs["Description"] = r["Description"]
            if r.get("MaxSessionDuration"):
                kwargs["MaxSessionDuration"] = r["MaxSessionDuration"]
            if r.get("Tags"):
                kwargs["Tags"] = tags_of(r)
            call(f"CreateRole {name}", iam.create_role, **kwargs)
            for ip in r.get("RolePolicyList") or []:
                call(
                    f"PutRolePolicy {name}/{ip['PolicyName']}",
                    iam.put_role_policy,
                    RoleName=name,
                    PolicyName=ip["PolicyName"],
                    PolicyDocument=policy_doc(ip["PolicyDocument"]),
                )
            self.attach("role", name, r.get("AttachedManagedPolicies") or [])
            for prof in r.get("InstanceProfileList") or []:
                pname = prof["InstanceProfileName"]
                if pname not in profiles_done:
                    call(
                        f"CreateInstanceProfile {pname}",
                        iam.create_instance_profile,
                        InstanceProfileName=pname,
                        Path=prof.get("Path", "/"),
                    )
                    profiles_done.add(pname)
                call(
                    f"AddRoleToInstanceProfile {pname} {name}",
                    iam.add_role_to_instance_profile,
                    InstanceProfileName=pname,
                    RoleName=name,
                )

        if self.skipped_aws_managed:
            note(
                f"skipped {len(self.skipped_aws_managed)} AWS-managed policy attachment(s) moto does not know; "
                "start fakes.py with MOTO_IAM_LOAD_MANAGED_POLICIES=true to include them"
            )

    def demo_credential_rows(self) -> list[dict]:
        report = load(self.path("iam", "credential-report.json"))
        text = base64.b64decode(report["Content"]).decode("utf-8")
        return list(csv.DictReader(io.StringIO(text)))

    def seed_access_keys(self) -> None:
        for row in self.demo_credential_rows():
            user = row["user"]
            if user == "<root_account>":
                continue
            for n in (1, 2):
                has_key = row.get(f"access_key_{n}_active") == "true" or row.get(f"access_key_{n}_last_rotated", "N/A") != "N/A"
                if not has_key:
                    continue
                resp = call(f"CreateAccessKey {user}", self.iam.create_access_key, UserName=user)
                if row.get(f"access_key_{n}_active") != "true":
                    call(
                        f"UpdateAccessKey {user} Inactive",
                        self.iam.update_access_key,
                        UserName=user,
                        AccessKeyId=resp["AccessKey"]["AccessKeyId"],
                        Status="Inactive",
                    )

    def seed_oidc(self) -> None:
        files = sorted(glob.glob(self.path("iam", "get-open-id-connect-provider-*.json")))
        for f in files:
            p = load(f)
            url = p["Url"] if p["Url"].startswith("https://") else "https://" + p["Url"]
            kwargs = dict(Url=url, ClientIDList=p.get("ClientIDList") or [], ThumbprintList=p.get("ThumbprintList") or [])
            if p.get("Tags"):
                kwargs["Tags"] = tags_of(p)
            call(f"CreateOpenIDConnectProvider {url}", self.iam.create_open_id_connect_provider, **kwargs)

    # EKS -----------------------------------------------------------------

    def cluster_regions(self) -> dict[str, str]:
        out = {}
        for f in sorted(glob.glob(self.path("eks", "describe-cluster-*.json"))):
            c = load(f)["cluster"]
            out[c["name"]] = c["arn"].split(":")[3] or "us-east-1"
        return out

    def seed_eks(self) -> None:
        for f in sorted(glob.glob(self.path("eks", "describe-cluster-*.json"))):
            c = load(f)["cluster"]
            region = c["arn"].split(":")[3] or "us-east-1"
            vpc = c.get("resourcesVpcConfig") or {}
            vpc_req = {"subnetIds": vpc.get("subnetIds") or []}
            for k in ("securityGroupIds", "endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs"):
                if k in vpc:
                    vpc_req[k] = vpc[k]
            kwargs = dict(name=c["name"], roleArn=c["roleArn"], resourcesVpcConfig=vpc_req)
            if c.get("version"):
                kwargs["version"] = c["version"]
            if c.get("tags"):
                kwargs["tags"] = c["tags"]
            call(f"EKS CreateCluster {c['name']} ({region})", self.client("eks", region).create_cluster, **kwargs)

    def seed_canned(self) -> None:
        associations = []
        for f in sorted(glob.glob(self.path("eks", "describe-pod-identity-association-*.json"))):
            associations.append(load(f)["association"])
        root = None
        for row in self.demo_credential_rows():
            if row["user"] == "<root_account>":
                root = {k: v for k, v in row.items() if k not in ("user", "arn")}
        if root is None or root.get("access_key_1_active") != "true":
            root = dict(root or {})
            root.update(
                access_key_1_active="true",
                access_key_1_last_rotated=root.get("access_key_1_last_rotated") or "2023-02-17T11:40:09+00:00",
                access_key_1_last_used_date=root.get("access_key_1_last_used_date") or "2025-08-21T13:02:00+00:00",
            )
        proxy_request(
            self.endpoint, "POST", "/__canned", {"pod_identity_associations": associations, "root_account": root}
        )

    # EC2 -----------------------------------------------------------------

    def seed_ec2(self) -> None:
        ec2 = self.client("ec2", "us-east-1")
        data = load(self.path("ec2", "describe-instances-us-east-1.json"))
        for res in data.get("Reservations", []):
            for inst in res.get("Instances", []):
                md = inst.get("MetadataOptions") or {}
                kwargs = dict(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType=inst["InstanceType"])
                tags = tags_of(inst)
                if tags:
                    kwargs["TagSpecifications"] = [{"ResourceType": "instance", "Tags": tags}]
                mo = {k: md[k] for k in ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint") if k in md}
                if mo:
                    kwargs["MetadataOptions"] = mo
                profile = (inst.get("IamInstanceProfile") or {}).get("Arn")
                if profile:
                    kwargs["IamInstanceProfile"] = {"Name": profile.rsplit("/", 1)[-1]}
                call(f"EC2 RunInstances ({inst.get('InstanceId')})", ec2.run_instances, **kwargs)

        regions = self.cluster_regions()
        for f in sorted(glob.glob(self.path("ec2", "describe-launch-template-versions-*.json"))):
            for v in load(f).get("LaunchTemplateVersions", []):
                ltd = v.get("LaunchTemplateData") or {}
                cluster = next(
                    (
                        t["Value"]
                        for spec in ltd.get("TagSpecifications") or []
                        for t in spec.get("Tags") or []
                        if t["Key"] in ("eks:cluster-name", "aws:eks:cluster-name")
                    ),
                    None,
                )
                region = regions.get(cluster, "us-east-1")
                kwargs = dict(LaunchTemplateName=v["LaunchTemplateName"], LaunchTemplateData=ltd)
                if v.get("VersionDescription"):
                    kwargs["VersionDescription"] = v["VersionDescription"]
                call(
                    f"EC2 CreateLaunchTemplate {v['LaunchTemplateName']} ({region})",
                    self.client("ec2", region).create_launch_template,
                    **kwargs,
                )

    # dump ----------------------------------------------------------------

    def dump(self, out: str) -> list[str]:
        os.makedirs(out, exist_ok=True)
        written = []

        def write(name: str, *responses: dict) -> None:
            with open(os.path.join(out, name), "w") as f:
                for r in responses:
                    f.write(cli_json(r))
            written.append(name)

        iam = self.iam
        pages, marker = [], None
        while True:
            kwargs = {"MaxItems": GAAD_PAGE_SIZE}
            if marker:
                kwargs["Marker"] = marker
            page = call("GetAccountAuthorizationDetails", iam.get_account_authorization_details, **kwargs)
            pages.append(page)
            if not page.get("IsTruncated"):
                break
            marker = page.get("Marker")
            if not marker or len(pages) > 1000:
                raise SeedError("GetAccountAuthorizationDetails: IsTruncated without a usable Marker")
        write("get-account-authorization-details.json", *pages)

        for _ in range(60):
            state = call("GenerateCredentialReport", iam.generate_credential_report)["State"]
            if state == "COMPLETE":
                break
            time.sleep(0.5)
        else:
            raise SeedError("GenerateCredentialReport never reached COMPLETE")
        write("get-credential-report.json", call("GetCredentialReport", iam.get_credential_report))

        providers = call("ListOpenIDConnectProviders", iam.list_open_id_connect_providers)
        write("list-open-id-connect-providers.json", providers)
        for i, p in enumerate(providers.get("OpenIDConnectProviderList", []), start=1):
            arn = p["Arn"]
            write(
                f"get-open-id-connect-provider-{i}.json",
                call(f"GetOpenIDConnectProvider {arn}", iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn),
            )

        for region in REGIONS:
            eks = self.client("eks", region)
            clusters = full_result(f"EKS ListClusters ({region})", eks, "list_clusters")
            write(f"eks-list-clusters-{region}.json", clusters)
            for name in clusters.get("clusters", []):
                write(f"eks-describe-cluster-{name}.json", call(f"EKS DescribeCluster {name}", eks.describe_cluster, name=name))
                # Page size 1 so that the canned pagination is exercised too.
                assocs = full_result(
                    f"EKS ListPodIdentityAssociations {name}",
                    eks,
                    "list_pod_identity_associations",
                    clusterName=name,
                    PaginationConfig={"PageSize": 1},
                )
                write(f"eks-list-pod-identity-associations-{name}.json", assocs)
                for a in assocs.get("associations", []):
                    aid = a["associationId"]
                    write(
                        f"eks-describe-pod-identity-association-{aid}.json",
                        call(
                            f"EKS DescribePodIdentityAssociation {aid}",
                            eks.describe_pod_identity_association,
                            clusterName=name,
                            associationId=aid,
                        ),
                    )

            ec2 = self.client("ec2", region)
            write(f"ec2-describe-instances-{region}.json", full_result(f"EC2 DescribeInstances ({region})", ec2, "describe_instances"))
            templates = full_result(f"EC2 DescribeLaunchTemplates ({region})", ec2, "describe_launch_templates")
            for t in templates.get("LaunchTemplates", []):
                tid = t["LaunchTemplateId"]
                write(
                    f"ec2-describe-launch-template-versions-{tid}.json",
                    full_result(
                        f"EC2 DescribeLaunchTemplateVersions {tid}",
                        ec2,
                        "describe_launch_template_versions",
                        LaunchTemplateId=tid,
                        Versions=["$Default"],
                    ),
                )
        return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="seed moto with the demo AWS account through the fakes proxy, then dump it")
    ap.add_argument("--endpoint", required=True, help='the fakes proxy URL (state file key "aws")')
    ap.add_argument("--demo", required=True, help="demo AWS fixtures directory (fixtures/demo/aws)")
    ap.add_argument("--dump", required=True, help="directory to write the CLI-equivalent outputs to")
    ap.add_argument("--reset", action="store_true", help="reset moto (/moto-api/reset) and the proxy (/__reset) first")
    ap.add_argument("--moto-seed", type=int, help="seed moto's random IDs (/moto-api/seed?a=N) for reproducible IDs")
    args = ap.parse_args(argv)

    # Never let anything reach a real credential source or metadata address.
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ["AWS_CONFIG_FILE"] = "/dev/null"
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_REGION"):
        os.environ.pop(var, None)

    try:
        if not os.path.isdir(args.demo):
            raise SeedError(f"demo directory {args.demo} does not exist")
        proxy_request(args.endpoint, "GET", "/__requests")  # reachable and really the fakes proxy?
        if args.reset:
            proxy_request(args.endpoint, "POST", "/moto-api/reset", {})
            proxy_request(args.endpoint, "POST", "/__reset", {})
        if args.moto_seed is not None:
            proxy_request(args.endpoint, "POST", f"/moto-api/seed?a={args.moto_seed}", {})
        s = Seeder(args.endpoint, args.demo)
        s.seed_iam()
        s.seed_access_keys()
        s.seed_oidc()
        s.seed_eks()
        s.seed_ec2()
        s.seed_canned()
        s.dump(args.dump)
    except SeedError as e:
        print(f"seed_demo: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
