#!/usr/bin/env python3
"""Write a synthetic AWS account in the form of `aws iam get-account-authorization-details`.

Defaults: 10,000 roles, 2,000 users in 200 groups, 3,000 customer managed policies, in
account 111122223333, deterministic for a given --seed. Sizes are meant to look like a
large real account: managed policies of 2 to 6 statements over ten services, with
wildcards, resource ARNs and conditions (source IP, region, MFA, principal tags,
secure transport); trust policies of AWS services (most roles), of the account (some
requiring MFA), of other roles (chains), of other accounts (with an external ID) and
of users; inline policies, boundaries and tags; a few AWS managed policies attached
(their documents from corpus/managed/).

Usage: scripts/gen-account.py [-o FILE] [--roles N] [--users N] [--groups N]
                              [--policies N] [--seed S] [--encode]
--encode writes policy documents URL-encoded, as the raw API returns them.
"""

import argparse
import json
import os
import random
import sys
import urllib.parse

ACCOUNT = "111122223333"
OTHER_ACCOUNTS = ["444455556666", "777788889999"]
DATE = "2024-01-15T10:00:00Z"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]
SERVICES = {
    "s3": ["GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketLocation", "Get*", "List*", "PutObjectTagging"],
    "dynamodb": ["GetItem", "PutItem", "Query", "Scan", "UpdateItem", "DeleteItem", "BatchGetItem", "Describe*"],
    "ec2": ["DescribeInstances", "Describe*", "StartInstances", "StopInstances", "RunInstances", "CreateTags"],
    "sqs": ["SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "*"],
    "sns": ["Publish", "Subscribe", "ListTopics", "CreateTopic"],
    "lambda": ["InvokeFunction", "GetFunction", "ListFunctions", "UpdateFunctionCode"],
    "logs": ["CreateLogGroup", "CreateLogStream", "PutLogEvents", "Describe*"],
    "kms": ["Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey"],
    "secretsmanager": ["GetSecretValue", "DescribeSecret", "ListSecrets"],
    "cloudwatch": ["PutMetricData", "GetMetricData", "ListMetrics", "Describe*"],
}
SERVICE_PRINCIPALS = ["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com"]
TEAMS = ["payments", "search", "data", "platform", "mobile", "web", "ml", "security", "billing", "infra"]


def resource_for(rng, service, app):
    region = rng.choice(REGIONS)
    if service == "s3":
        return rng.choice([f"arn:aws:s3:::{app}-*", f"arn:aws:s3:::{app}-data/*", f"arn:aws:s3:::{app}-logs/${{aws:username}}/*", "*"])
    if service == "dynamodb":
        return rng.choice([f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{app}-*", f"arn:aws:dynamodb:*:{ACCOUNT}:table/{app}"])
    if service == "ec2":
        return rng.choice(["*", f"arn:aws:ec2:{region}:{ACCOUNT}:instance/*"])
    if service in ("sqs", "sns"):
        return f"arn:aws:{service}:{region}:{ACCOUNT}:{app}-*"
    if service == "lambda":
        return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{app}-*"
    if service == "logs":
        return f"arn:aws:logs:{region}:{ACCOUNT}:log-group:/aws/lambda/{app}-*"
    if service == "kms":
        return f"arn:aws:kms:{region}:{ACCOUNT}:key/*"
    if service == "secretsmanager":
        return f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{app}/*"
    return "*"


def condition(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return {"IpAddress": {"aws:SourceIp": [f"203.0.113.0/24", f"198.51.100.{rng.randrange(256)}/32"]}}
    if kind == 1:
        return {"StringEquals": {"aws:RequestedRegion": rng.sample(REGIONS, 2)}}
    if kind == 2:
        return {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    if kind == 3:
        return {"StringEquals": {"aws:PrincipalTag/team": rng.choice(TEAMS)}}
    if kind == 4:
        return {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "shared/*"]}}
    return {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}


def statement(rng, app, sid):
    service = rng.choice(list(SERVICES))
    actions = [f"{service}:{a}" for a in rng.sample(SERVICES[service], rng.randint(1, min(4, len(SERVICES[service]))))]
    s = {"Sid": f"S{sid}", "Effect": "Allow", "Action": actions if len(actions) > 1 else actions[0],
         "Resource": [resource_for(rng, service, app) for _ in range(rng.randint(1, 3))]}
    if rng.random() < 0.25:
        s["Condition"] = condition(rng)
    return s


def managed_document(rng, i, role_names):
    app = f"app-{i % 400:03d}"
    statements = [statement(rng, app, j) for j in range(rng.randint(2, 6))]
    r = rng.random()
    if r < 0.08:
        target = rng.choice(role_names)
        statements.append({"Sid": "Assume", "Effect": "Allow", "Action": "sts:AssumeRole",
                           "Resource": [f"arn:aws:iam::{ACCOUNT}:role/{target}", f"arn:aws:iam::{ACCOUNT}:role/{app}-*"]})
    elif r < 0.082:
        statements.append({"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"})
    if rng.random() < 0.1:
        statements.append({"Sid": "DenyInsecure", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    return {"Version": "2012-10-17", "Statement": statements}


def trust_document(rng, i, role_names, user_names):
    r = rng.random()
    if r < 0.6:
        principal = {"Service": rng.choice(SERVICE_PRINCIPALS)}
        st = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    elif r < 0.8:
        st = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
        if rng.random() < 0.3:
            st["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    elif r < 0.9:
        others = rng.sample(role_names, 2)
        st = {"Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:role/{o}" for o in others]}, "Action": "sts:AssumeRole"}
    elif r < 0.95:
        st = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{rng.choice(OTHER_ACCOUNTS)}:root"}, "Action": "sts:AssumeRole",
              "Condition": {"StringEquals": {"sts:ExternalId": f"ext-{i:05d}"}}}
    else:
        st = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{rng.choice(user_names)}"}, "Action": "sts:AssumeRole"}
    return {"Version": "2012-10-17", "Statement": [st]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--roles", type=int, default=10_000)
    ap.add_argument("--users", type=int, default=2_000)
    ap.add_argument("--groups", type=int, default=200)
    ap.add_argument("--policies", type=int, default=3_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--encode", action="store_true", help="URL-encode policy documents (the raw API's form)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    managed_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "managed")

    def doc(d):
        return urllib.parse.quote(json.dumps(d, separators=(",", ":")), safe="") if args.encode else d

    role_names = [f"app-{i % 400:03d}-{['svc', 'deploy', 'read', 'ops', 'batch'][i % 5]}-{i:05d}" for i in range(args.roles)]
    user_names = [f"{rng.choice(TEAMS)}.user{i:04d}" for i in range(args.users)]
    group_names = [f"{TEAMS[i % len(TEAMS)]}-group-{i:03d}" for i in range(args.groups)]
    policy_arns = [f"arn:aws:iam::{ACCOUNT}:policy/{'teams/' if i % 3 == 0 else ''}cmp-{i:05d}" for i in range(args.policies)]
    boundaries = policy_arns[: max(1, args.policies // 100)]

    aws_managed = {
        "arn:aws:iam::aws:policy/ReadOnlyAccess": "ReadOnlyAccess",
        "arn:aws:iam::aws:policy/AdministratorAccess": "AdministratorAccess",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess": "AmazonS3ReadOnlyAccess",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": "AWSLambdaBasicExecutionRole",
    }

    def attached(arns):
        return [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in arns]

    def pick_managed(lo, hi):
        return rng.sample(policy_arns, rng.randint(lo, hi))

    policies = []
    for i, arn in enumerate(policy_arns):
        versions = []
        n_versions = rng.choice([1, 1, 1, 2, 3])
        for v in range(1, n_versions + 1):
            versions.append({"Document": doc(managed_document(rng, i, role_names)), "VersionId": f"v{v}",
                             "IsDefaultVersion": v == n_versions, "CreateDate": DATE})
        path = "/teams/" if "/teams/" in arn else "/"
        policies.append({"PolicyName": arn.rsplit("/", 1)[1], "PolicyId": f"ANPA{i:016d}", "Arn": arn, "Path": path,
                         "DefaultVersionId": f"v{n_versions}", "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0,
                         "IsAttachable": True, "CreateDate": DATE, "UpdateDate": DATE, "PolicyVersionList": versions})
    for arn, name in aws_managed.items():
        with open(os.path.join(managed_dir, name + ".json")) as f:
            d = json.load(f)
        policies.append({"PolicyName": name, "PolicyId": f"ANPAAWS{name.upper()[:12]}", "Arn": arn,
                         "Path": "/service-role/" if "service-role" in arn else "/", "DefaultVersionId": "v1",
                         "AttachmentCount": 1, "IsAttachable": True,
                         "PolicyVersionList": [{"Document": doc(d), "VersionId": "v1", "IsDefaultVersion": True, "CreateDate": DATE}]})

    groups = []
    for i, name in enumerate(group_names):
        inline = []
        if rng.random() < 0.5:
            inline.append({"PolicyName": f"{name}-inline", "PolicyDocument": doc(managed_document(rng, i, role_names))})
        groups.append({"Path": "/", "GroupName": name, "GroupId": f"AGPA{i:016d}", "Arn": f"arn:aws:iam::{ACCOUNT}:group/{name}",
                       "CreateDate": DATE, "GroupPolicyList": inline, "AttachedManagedPolicies": attached(pick_managed(2, 5))})

    users = []
    for i, name in enumerate(user_names):
        u = {"Path": "/", "UserName": name, "UserId": f"AIDA{i:016d}", "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
             "CreateDate": DATE, "GroupList": rng.sample(group_names, rng.randint(1, 3)),
             "UserPolicyList": [], "AttachedManagedPolicies": [],
             "Tags": [{"Key": "team", "Value": name.split(".")[0]}]}
        if rng.random() < 0.2:
            u["UserPolicyList"].append({"PolicyName": "own", "PolicyDocument": doc(managed_document(rng, i, role_names))})
        if rng.random() < 0.1:
            u["AttachedManagedPolicies"] = attached(pick_managed(1, 2))
        if rng.random() < 0.02:
            u["AttachedManagedPolicies"] += attached(["arn:aws:iam::aws:policy/ReadOnlyAccess"])
        if rng.random() < 0.05:
            u["PermissionsBoundary"] = {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                        "PermissionsBoundaryArn": rng.choice(boundaries)}
        users.append(u)

    roles = []
    for i, name in enumerate(role_names):
        path = rng.choice(["/", "/", "/service-role/", "/apps/"])
        managed = pick_managed(1, 4)
        r = rng.random()
        if r < 0.01:
            managed.append("arn:aws:iam::aws:policy/AdministratorAccess")
        elif r < 0.05:
            managed.append("arn:aws:iam::aws:policy/ReadOnlyAccess")
        elif r < 0.3:
            managed.append("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        inline = [{"PolicyName": f"inline-{k}", "PolicyDocument": doc(managed_document(rng, i, role_names))}
                  for k in range(rng.choice([0, 0, 1, 1, 2]))]
        role = {"Path": path, "RoleName": name, "RoleId": f"AROA{i:016d}", "Arn": f"arn:aws:iam::{ACCOUNT}:role{path}{name}",
                "CreateDate": DATE, "AssumeRolePolicyDocument": doc(trust_document(rng, i, role_names, user_names)),
                "InstanceProfileList": [], "RolePolicyList": inline, "AttachedManagedPolicies": attached(managed),
                "Tags": [{"Key": "team", "Value": rng.choice(TEAMS)}, {"Key": "app", "Value": name[:7]}], "RoleLastUsed": {}}
        if rng.random() < 0.2:
            role["PermissionsBoundary"] = {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                           "PermissionsBoundaryArn": rng.choice(boundaries)}
        roles.append(role)

    out = {"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies,
           "IsTruncated": False}
    text = json.dumps(out, indent=None, separators=(",", ":"))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
