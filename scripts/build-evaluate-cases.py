#!/usr/bin/env python3
"""Build the `evaluate` conformance cases in corpus/evaluate/.

Every expected outcome here comes from the AWS documentation or a seed (each case's
`sources`), never from running an evaluator. Cases that embed AWS managed policies read
them from corpus/managed/ (see scripts/fetch-managed-policies.sh), so ReadOnlyAccess is the
real, full document.

Usage: python3 scripts/build-evaluate-cases.py
Writes corpus/evaluate/NNN-name.json (pretty-printed) and validates each file.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "corpus", "evaluate")
MANAGED = os.path.join(ROOT, "corpus", "managed")

READ_ONLY = json.load(open(os.path.join(MANAGED, "ReadOnlyAccess.json")))
ADMIN = json.load(open(os.path.join(MANAGED, "AdministratorAccess.json")))

# ---------------------------------------------------------------- sources
IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
ORG = "https://docs.aws.amazon.com/organizations/latest/userguide/"
EVAL = IAM + "reference_policies_evaluation-logic_policy-eval-denyallow.html"
EVAL_BASICS = IAM + "reference_policies_evaluation-logic_policy-eval-basics.html"
EVAL_OLD_EXAMPLE = IAM + "reference_policies_evaluation-logic.html#policies_evaluation_example"
INTERPLAY = IAM + "reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"
XACCT = IAM + "reference_policies_evaluation-logic-cross-account.html#policy-eval-cross-account"
XACCT_EX = IAM + "reference_policies_evaluation-logic-cross-account.html#policies_evaluation_example-cross-account"
BOUND = IAM + "access_policies_boundaries.html#access_policies_boundaries-eval-logic"
BOUND_DELEGATE = IAM + "access_policies_boundaries.html#access_policies_boundaries-delegate"
BOUND_TOP = IAM + "access_policies_boundaries.html"
SESS = IAM + "access_policies.html#policies_session"
ROOTPOL = IAM + "access_policies.html#access_policies-root"
AD = IAM + "troubleshoot_access-denied.html#access-denied-error-examples"
AD_ID = IAM + "troubleshoot_access-denied.html#access-denied-identity-based-policy-examples"
AD_PB = IAM + "troubleshoot_access-denied.html#access-denied-permissions-boundary-examples"
AD_RBP = IAM + "troubleshoot_access-denied.html#access-denied-resource-based-policy-examples"
ACTION = IAM + "reference_policies_elements_action.html"
NOTACTION = IAM + "reference_policies_elements_notaction.html"
RESOURCE = IAM + "reference_policies_elements_resource.html"
RESOURCE_WC = IAM + "reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards"
NOTRESOURCE = IAM + "reference_policies_elements_notresource.html"
PRIN = IAM + "reference_policies_elements_principal.html"
PRIN_ACCT = PRIN + "#principal-accounts"
PRIN_USER = PRIN + "#principal-users"
PRIN_ROLE = PRIN + "#principal-roles"
PRIN_SESSION = PRIN + "#principal-role-session"
PRIN_FED = PRIN + "#sts-session-principals"
PRIN_SERVICE = PRIN + "#principal-services"
NOTPRIN = IAM + "reference_policies_elements_notprincipal.html"
GKEYS = IAM + "reference_policies_condition-keys.html"
K_PRINCIPALARN = GKEYS + "#condition-keys-principalarn"
K_USERNAME = GKEYS + "#condition-keys-username"
K_MFA = GKEYS + "#condition-keys-multifactorauthpresent"
K_REGION = GKEYS + "#condition-keys-requestedregion"
K_SECURE = GKEYS + "#condition-keys-securetransport"
K_ORGID = GKEYS + "#condition-keys-principalorgid"
OPS = IAM + "reference_policies_elements_condition_operators.html"
VARS = IAM + "reference_policies_variables.html"
GFT = IAM + "id_credentials_temp_control-access_getfederationtoken.html"
SCP_ALLOW = ORG + "orgs_manage_policies_scps_evaluation.html#how_scps_allow"
SCP_DENY = ORG + "orgs_manage_policies_scps_evaluation.html#how_scps_deny"
SCP_EFFECTS = ORG + "orgs_manage_policies_scps.html#scp-effects-on-permissions"
RCP_EVAL = ORG + "orgs_manage_policies_rcps_evaluation.html#how_rcps_deny"
RCP_EFFECTS = ORG + "orgs_manage_policies_rcps.html#rcp-effects-on-permissions"
RCP_EXAMPLES = ORG + "orgs_manage_policies_rcps_examples.html"
S3_PUTBUCKETPOLICY = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html"
SEED1 = "seed:001_83816b4b0320937d.txt"
SEED2 = "seed:002_c901c06e5ca52be8.txt"

# ---------------------------------------------------------------- builders
V = "2012-10-17"


def pol(*stmts):
    return {"Version": V, "Statement": list(stmts)}


def st(effect, action=None, resource="*", not_action=None, not_resource=None,
       principal=None, not_principal=None, condition=None, sid=None):
    s = {}
    if sid:
        s["Sid"] = sid
    s["Effect"] = effect
    if principal is not None:
        s["Principal"] = principal
    if not_principal is not None:
        s["NotPrincipal"] = not_principal
    if not_action is not None:
        s["NotAction"] = not_action
    else:
        s["Action"] = action
    if not_resource is not None:
        s["NotResource"] = not_resource
    elif resource is not None:
        s["Resource"] = resource
    if condition:
        s["Condition"] = condition
    return s


def allow(action, resource="*", **kw):
    return st("Allow", action, resource, **kw)


def deny(action, resource="*", **kw):
    return st("Deny", action, resource, **kw)


def aws(*arns):
    return {"AWS": arns[0] if len(arns) == 1 else list(arns)}


FULL_AWS_ACCESS = pol(allow("*"))  # the FullAWSAccess SCP
RCP_FULL_AWS_ACCESS = pol(st("Allow", "*", "*", principal="*"))  # RCPFullAWSAccess


def ev(principal, action, resource="*", **kw):
    e = {"principal": principal, "action": action, "resource": resource}
    for k in ("resourceAccount", "context", "identityPolicies", "resourcePolicy",
              "permissionsBoundary", "sessionPolicies", "scps", "rcps"):
        v = kw.pop(k, None)
        if v is not None:
            e[k] = v
    if kw:
        raise ValueError("unknown evaluate keys: %s" % sorted(kw))
    return e


def step(evaluate, decision, denied_by=None, message=None):
    expect = {"decision": decision}
    if denied_by:
        expect["deniedBy"] = denied_by
    if message:
        expect["message"] = message
    return {"evaluate": evaluate, "expect": expect}


ALLOWED, EXPLICIT, IMPLICIT = "allowed", "explicitDeny", "implicitDeny"

CASES = []


def case(name, description, sources, tags, steps):
    if isinstance(steps, dict):
        steps = [steps]
    CASES.append((name, {"description": description, "sources": sources,
                         "tags": tags, "steps": steps}))


# ================================================================= accounts / principals
A1, A2, A3 = "111122223333", "444455556666", "123456789012"
ALICE = "arn:aws:iam::%s:user/alice" % A1
BOB = "arn:aws:iam::%s:user/bob" % A1
ROLE = "arn:aws:iam::%s:role/example-role" % A1
SESSION = "arn:aws:sts::%s:assumed-role/example-role/app-session" % A1
OTHER_SESSION = "arn:aws:sts::%s:assumed-role/example-role/other-session" % A1
FED = "arn:aws:sts::%s:federated-user/carol" % A1
ROOT1 = "arn:aws:iam::%s:root" % A1
BUCKET = "arn:aws:s3:::example-bucket"
OBJ = BUCKET + "/reports/q1.csv"
XBUCKET = "arn:aws:s3:::shared-bucket"      # owned by A2 in cross-account cases
XOBJ = XBUCKET + "/data/file.txt"
TOPIC = "arn:aws:sns:us-east-1:%s:example-topic" % A1
XQUEUE = "arn:aws:sqs:us-east-1:%s:shared-queue" % A2

# ================================================================= 1. seed 001: session policies
DEV_ROLE_READONLY = "arn:aws:sts::123456789012:assumed-role/example-dev-role/readonly"
DEV_ROLE_DEVELOP = "arn:aws:sts::123456789012:assumed-role/example-dev-role/develop"
DEV_ROLE_LISTREGION = "arn:aws:sts::123456789012:assumed-role/example-dev-role/list-region"
SEED_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:example-topic"
SEED1_MSG = ("User: arn:aws:sts::123456789012:assumed-role/example-dev-role/readonly is not "
             "authorized to perform: SNS:CreateTopic on resource: "
             "arn:aws:sns:ap-northeast-1:123456789012:example-topic because no session policy "
             "allows the SNS:CreateTopic action")
SEED1_VPC_MSG = ("User: arn:aws:sts::123456789012:assumed-role/example-dev-role/list-region is "
                 "not authorized to perform: ec2:DescribeVpcs because no session policy allows "
                 "the ec2:DescribeVpcs action")
LIST_REGION = pol(allow("ec2:DescribeRegions"))
SEED1_SRC = [SEED1, SESS, EVAL]
RO_TAGS = ["seed", "session-policy", "managed-policy"]

case("readonly-session-sns-createtopic-denied",
     "Seed 001: the AWS managed ReadOnlyAccess policy passed as a session policy (PolicyArns) to a "
     "role session whose identity policy is AdministratorAccess denies sns:CreateTopic; the "
     "message is the one observed in the seed (SNS prints the prefix in upper case).",
     SEED1_SRC + [AD], RO_TAGS + ["message"],
     step(ev(DEV_ROLE_READONLY, "sns:CreateTopic", SEED_TOPIC,
             identityPolicies=[ADMIN], sessionPolicies=[READ_ONLY]),
          IMPLICIT, "sessionPolicy", SEED1_MSG))
for nm, act, res, extra in [
        ("sns-listtopics", "sns:ListTopics", "*", "sns:List*"),
        ("sns-gettopicattributes", "sns:GetTopicAttributes", SEED_TOPIC, "sns:Get*"),
        ("s3-getobject", "s3:GetObject", "arn:aws:s3:::example-bucket/docs/readme.txt", "s3:Get*"),
        ("ec2-describeinstances", "ec2:DescribeInstances", "*", "ec2:Describe*"),
        ("iam-getrole", "iam:GetRole", "arn:aws:iam::123456789012:role/example-dev-role", "iam:Get*")]:
    kw = {}
    if res.startswith("arn:aws:s3:::"):
        kw["resourceAccount"] = A3
    case("readonly-session-%s-allowed" % nm,
         "Seed 001: with ReadOnlyAccess as the session policy and AdministratorAccess as the "
         "identity policy, the read action %s (matched by %s in ReadOnlyAccess) is allowed." % (act, extra),
         SEED1_SRC, RO_TAGS,
         step(ev(DEV_ROLE_READONLY, act, res, identityPolicies=[ADMIN], sessionPolicies=[READ_ONLY], **kw),
              ALLOWED))
for nm, act, res in [
        ("s3-putobject", "s3:PutObject", "arn:aws:s3:::example-bucket/docs/readme.txt"),
        ("iam-createuser", "iam:CreateUser", "arn:aws:iam::123456789012:user/new-user"),
        ("ec2-runinstances", "ec2:RunInstances", "arn:aws:ec2:ap-northeast-1:123456789012:instance/*"),
        ("sns-publish", "sns:Publish", SEED_TOPIC)]:
    kw = {}
    if res.startswith("arn:aws:s3:::"):
        kw["resourceAccount"] = A3
    case("readonly-session-%s-denied" % nm,
         "Seed 001: ReadOnlyAccess as the session policy caps an AdministratorAccess role session: "
         "the write action %s is not allowed by any session policy (message not asserted: only "
         "the SNS wording was observed)." % act,
         SEED1_SRC, RO_TAGS,
         step(ev(DEV_ROLE_READONLY, act, res, identityPolicies=[ADMIN], sessionPolicies=[READ_ONLY], **kw),
              IMPLICIT, "sessionPolicy"))
case("role-session-without-session-policy-createtopic-allowed",
     "Seed 001 (first AssumeRole, session 'develop', no session policy passed): a role session "
     "without session policies is limited only by the role's identity policy, so AdministratorAccess "
     "allows sns:CreateTopic (R6.9).",
     [SEED1, EVAL], ["seed", "session-policy"],
     step(ev(DEV_ROLE_DEVELOP, "sns:CreateTopic", SEED_TOPIC, identityPolicies=[ADMIN]), ALLOWED))
case("list-region-session-describeregions-allowed",
     "Seed 001: the inline session policy allowing only ec2:DescribeRegions (session 'list-region') "
     "lets DescribeRegions through; the role's identity policy is taken to be AdministratorAccess as "
     "in the seed's first example.",
     SEED1_SRC, ["seed", "session-policy", "inline-session-policy"],
     step(ev(DEV_ROLE_LISTREGION, "ec2:DescribeRegions", "*", identityPolicies=[ADMIN],
             sessionPolicies=[LIST_REGION]), ALLOWED))
case("list-region-session-describevpcs-denied",
     "Seed 001: the DescribeRegions-only inline session policy denies ec2:DescribeVpcs; EC2 "
     "DescribeVpcs has no resource, so the observed message has no 'on resource:' part.",
     SEED1_SRC + [AD], ["seed", "session-policy", "inline-session-policy", "message"],
     step(ev(DEV_ROLE_LISTREGION, "ec2:DescribeVpcs", "*", identityPolicies=[ADMIN],
             sessionPolicies=[LIST_REGION]), IMPLICIT, "sessionPolicy", SEED1_VPC_MSG))

# session policy set: inline + managed (U6)
case("session-inline-and-managed-both-allow",
     "Inline session policy (ec2:DescribeRegions) plus the managed ReadOnlyAccess session policy: "
     "ec2:DescribeRegions is allowed by both, so it is allowed whichever way the session policies "
     "combine.",
     [SESS, EVAL, SEED1], ["session-policy", "managed-policy", "inline-session-policy"],
     step(ev(DEV_ROLE_READONLY, "ec2:DescribeRegions", "*", identityPolicies=[ADMIN],
             sessionPolicies=[LIST_REGION, READ_ONLY]), ALLOWED))
case("session-inline-and-managed-neither-allows",
     "Inline session policy (ec2:DescribeRegions) plus managed ReadOnlyAccess: sns:DeleteTopic is "
     "allowed by neither, so it is denied by the session policies however they combine.",
     [SESS, EVAL, SEED1], ["session-policy", "managed-policy", "inline-session-policy"],
     step(ev(DEV_ROLE_READONLY, "sns:DeleteTopic", SEED_TOPIC, identityPolicies=[ADMIN],
             sessionPolicies=[LIST_REGION, READ_ONLY]), IMPLICIT, "sessionPolicy"))
case("session-inline-and-managed-or-managed-only",
     "Inline session policy (ec2:DescribeRegions) plus managed ReadOnlyAccess: sns:ListTopics is "
     "allowed only by the managed one. Uncertain (IAM-SPEC U6): AWS never states that inline and "
     "managed session policies are OR'ed among themselves; the project treats them as one set.",
     [SESS, EVAL], ["session-policy", "managed-policy", "inline-session-policy", "uncertain"],
     step(ev(DEV_ROLE_READONLY, "sns:ListTopics", "*", identityPolicies=[ADMIN],
             sessionPolicies=[LIST_REGION, READ_ONLY]), ALLOWED))
case("session-inline-and-managed-or-inline-only",
     "Inline session policy allowing sns:CreateTopic plus managed ReadOnlyAccess (which does not): "
     "allowed if the session policies are OR'ed. Uncertain (IAM-SPEC U6): the combination rule for "
     "several session policies is not documented.",
     [SESS, EVAL], ["session-policy", "managed-policy", "inline-session-policy", "uncertain"],
     step(ev(DEV_ROLE_READONLY, "sns:CreateTopic", SEED_TOPIC, identityPolicies=[ADMIN],
             sessionPolicies=[pol(allow("sns:CreateTopic")), READ_ONLY]), ALLOWED))

# ================================================================= 2. seed 002: boundary test-pb-policy
PB_ARN = "arn:aws:iam::444455556666:policy/test-pb-policy"
TEST_PB = pol(
    allow("*"),
    deny(["iam:CreateUser", "iam:CreateLoginProfile", "iam:CreateAccessKey", "iam:UpdateUser",
          "iam:DeleteUser", "iam:CreateGroup", "iam:UpdateGroup", "iam:DeleteGroup",
          "iam:AddUserToGroup", "iam:RemoveUserFromGroup", "iam:AttachUserPolicy",
          "iam:DetachUserPolicy", "iam:PutUserPolicy", "iam:DeleteUserPolicy",
          "iam:AttachGroupPolicy", "iam:DetachGroupPolicy", "iam:PutGroupPolicy",
          "iam:DeleteGroupPolicy"]),
    deny(["iam:CreateRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy",
          "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"],
         condition={"StringNotEquals": {"iam:PermissionsBoundary": PB_ARN}}),
    deny(["iam:DeleteRolePermissionsBoundary"],
         condition={"StringEquals": {"iam:PermissionsBoundary": PB_ARN}}),
    deny(["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
          "iam:SetDefaultPolicyVersion"], [PB_ARN]),
)
PB_SESSION = "arn:aws:sts::444455556666:assumed-role/test-restricted-admin-role/test-pb-user"
SEED2_SRC = [SEED2, BOUND, EVAL]
PB_TAGS = ["seed", "boundary"]


def pbstep(action, resource, decision, denied_by=None, context=None):
    return step(ev(PB_SESSION, action, resource, identityPolicies=[ADMIN],
                   permissionsBoundary=TEST_PB, context=context), decision, denied_by)


case("boundary-test-pb-createuser-denied",
     "Seed 002: role test-restricted-admin-role has AdministratorAccess but the boundary "
     "test-pb-policy explicitly denies iam:CreateUser.",
     SEED2_SRC, PB_TAGS + ["explicit-deny"],
     pbstep("iam:CreateUser", "arn:aws:iam::444455556666:user/new-user", EXPLICIT, "permissionsBoundary"))
case("boundary-test-pb-creategroup-denied",
     "Seed 002: the boundary test-pb-policy explicitly denies iam:CreateGroup although the identity "
     "policy is AdministratorAccess.",
     SEED2_SRC, PB_TAGS + ["explicit-deny"],
     pbstep("iam:CreateGroup", "arn:aws:iam::444455556666:group/new-group", EXPLICIT, "permissionsBoundary"))
case("boundary-test-pb-createrole-with-boundary-allowed",
     "Seed 002: iam:CreateRole with iam:PermissionsBoundary equal to test-pb-policy's ARN escapes the "
     "StringNotEquals Deny, and Allow * in the boundary plus AdministratorAccess allow it.",
     SEED2_SRC + [OPS], PB_TAGS + ["condition:StringNotEquals"],
     pbstep("iam:CreateRole", "arn:aws:iam::444455556666:role/app-role", ALLOWED,
            context={"iam:PermissionsBoundary": PB_ARN}))
case("boundary-test-pb-createrole-without-boundary-denied",
     "Seed 002: iam:CreateRole without the iam:PermissionsBoundary key: a negated operator "
     "(StringNotEquals) is true when the key is absent, so the boundary's Deny applies (R3.3).",
     SEED2_SRC + [OPS], PB_TAGS + ["condition:StringNotEquals", "explicit-deny"],
     pbstep("iam:CreateRole", "arn:aws:iam::444455556666:role/app-role", EXPLICIT, "permissionsBoundary"))
case("boundary-test-pb-createrole-other-boundary-denied",
     "Seed 002: iam:CreateRole with iam:PermissionsBoundary set to a different policy ARN is denied "
     "by the boundary's StringNotEquals Deny.",
     SEED2_SRC + [OPS], PB_TAGS + ["condition:StringNotEquals", "explicit-deny"],
     pbstep("iam:CreateRole", "arn:aws:iam::444455556666:role/app-role", EXPLICIT, "permissionsBoundary",
            context={"iam:PermissionsBoundary": "arn:aws:iam::444455556666:policy/other-policy"}))
case("boundary-test-pb-putrolepolicy-with-boundary-allowed",
     "Seed 002: iam:PutRolePolicy on a role whose boundary is test-pb-policy (iam:PermissionsBoundary "
     "equals the ARN) is allowed.",
     SEED2_SRC + [OPS], PB_TAGS + ["condition:StringNotEquals"],
     pbstep("iam:PutRolePolicy", "arn:aws:iam::444455556666:role/app-role", ALLOWED,
            context={"iam:PermissionsBoundary": PB_ARN}))
case("boundary-test-pb-deleterolepermissionsboundary-denied",
     "Seed 002: removing test-pb-policy from a role (iam:DeleteRolePermissionsBoundary with "
     "iam:PermissionsBoundary equal to its ARN) is explicitly denied by the boundary.",
     SEED2_SRC + [OPS], PB_TAGS + ["condition:StringEquals", "explicit-deny"],
     pbstep("iam:DeleteRolePermissionsBoundary", "arn:aws:iam::444455556666:role/app-role", EXPLICIT,
            "permissionsBoundary", context={"iam:PermissionsBoundary": PB_ARN}))
case("boundary-test-pb-deleterolepermissionsboundary-other-allowed",
     "Seed 002: iam:DeleteRolePermissionsBoundary on a role whose boundary is another policy: the "
     "StringEquals Deny does not match, so the request is allowed.",
     SEED2_SRC + [OPS], PB_TAGS + ["condition:StringEquals"],
     pbstep("iam:DeleteRolePermissionsBoundary", "arn:aws:iam::444455556666:role/app-role", ALLOWED,
            context={"iam:PermissionsBoundary": "arn:aws:iam::444455556666:policy/other-policy"}))
case("boundary-test-pb-createpolicyversion-on-boundary-denied",
     "Seed 002: iam:CreatePolicyVersion on the boundary policy itself is explicitly denied.",
     SEED2_SRC, PB_TAGS + ["explicit-deny"],
     pbstep("iam:CreatePolicyVersion", PB_ARN, EXPLICIT, "permissionsBoundary"))
case("boundary-test-pb-createpolicyversion-other-allowed",
     "Seed 002: iam:CreatePolicyVersion on a policy other than test-pb-policy is outside the Deny's "
     "Resource and is allowed.",
     SEED2_SRC, PB_TAGS,
     pbstep("iam:CreatePolicyVersion", "arn:aws:iam::444455556666:policy/app-policy", ALLOWED))
case("boundary-test-pb-setdefaultpolicyversion-on-boundary-denied",
     "Seed 002: iam:SetDefaultPolicyVersion on test-pb-policy is explicitly denied by the boundary.",
     SEED2_SRC, PB_TAGS + ["explicit-deny"],
     pbstep("iam:SetDefaultPolicyVersion", PB_ARN, EXPLICIT, "permissionsBoundary"))
case("boundary-test-pb-non-iam-action-allowed",
     "Seed 002: the boundary's Allow * leaves non-IAM actions to the AdministratorAccess identity "
     "policy: s3:CreateBucket is allowed.",
     SEED2_SRC, PB_TAGS,
     step(ev(PB_SESSION, "s3:CreateBucket", "arn:aws:s3:::new-team-bucket", resourceAccount=A2,
             identityPolicies=[ADMIN], permissionsBoundary=TEST_PB), ALLOWED))

# seed 002 jump-account user with group policies test-jump-policy + test-self-control-policy
JUMP = pol(allow("sts:AssumeRole", "arn:aws:iam::444455556666:role/test-restricted-admin-role"))
SELF = pol(
    allow(["iam:ListUsers", "iam:ListVirtualMFADevices"], sid="AllowListActions"),
    allow(["iam:ListMFADevices"], ["arn:aws:iam::*:mfa/*", "arn:aws:iam::*:user/${aws:username}"],
          sid="AllowIndividualUserToListOnlyTheirOwnMFA"),
    allow(["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice", "iam:EnableMFADevice",
           "iam:ResyncMFADevice"],
          ["arn:aws:iam::*:mfa/${aws:username}", "arn:aws:iam::*:user/${aws:username}"],
          sid="AllowIndividualUserToManageTheirOwnMFA"),
    allow(["iam:DeactivateMFADevice"],
          ["arn:aws:iam::*:mfa/${aws:username}", "arn:aws:iam::*:user/${aws:username}"],
          condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
          sid="AllowIndividualUserToDeactivateOnlyTheirOwnMFAOnlyWhenUsingMFA"),
    allow("iam:GetAccountPasswordPolicy", sid="AllowGetAccountPasswordPolicy"),
    allow("iam:ChangePassword", "arn:aws:iam::*:user/${aws:username}", sid="AllowChangePassword"),
    st("Deny", not_action=["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices",
                           "iam:ListUsers", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
                           "iam:GetAccountPasswordPolicy", "iam:ChangePassword"],
       resource=["arn:aws:iam::*:mfa/${aws:username}", "arn:aws:iam::*:user/${aws:username}"],
       condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
       sid="BlockMostAccessUnlessSignedInWithMFA"),
)
PB_USER = "arn:aws:iam::111122223333:user/test-pb-user"
SELF_SRC = [SEED2, VARS, OPS, K_MFA]
SELF_TAGS = ["seed", "identity", "variables"]


def selfstep(action, resource, decision, denied_by=None, context=None):
    return step(ev(PB_USER, action, resource, identityPolicies=[JUMP, SELF], context=context),
                decision, denied_by)


case("self-control-changepassword-own-user-allowed",
     "Seed 002 test-self-control-policy: iam:ChangePassword on the caller's own user ARN "
     "(${aws:username} resolves to test-pb-user) is allowed even without MFA, because the "
     "BlockMost... Deny lists it in NotAction.",
     SELF_SRC + [NOTACTION], SELF_TAGS + ["not-action"],
     selfstep("iam:ChangePassword", PB_USER, ALLOWED))
case("self-control-changepassword-other-user-denied",
     "Seed 002 test-self-control-policy: iam:ChangePassword on another user's ARN does not match "
     "arn:aws:iam::*:user/${aws:username}; nothing allows it.",
     SELF_SRC, SELF_TAGS,
     selfstep("iam:ChangePassword", "arn:aws:iam::111122223333:user/someone-else", IMPLICIT, "identityPolicy"))
case("self-control-deactivatemfa-with-mfa-allowed",
     "Seed 002 test-self-control-policy: iam:DeactivateMFADevice on the caller's own MFA device with "
     "aws:MultiFactorAuthPresent true is allowed (Bool true matches; BoolIfExists false does not).",
     SELF_SRC, SELF_TAGS + ["condition:Bool"],
     selfstep("iam:DeactivateMFADevice", "arn:aws:iam::111122223333:mfa/test-pb-user", ALLOWED,
              context={"aws:MultiFactorAuthPresent": True}))
case("self-control-deactivatemfa-mfa-false-denied",
     "Seed 002 test-self-control-policy: with aws:MultiFactorAuthPresent false (console sign-in "
     "without MFA) the NotAction Deny with BoolIfExists false applies to iam:DeactivateMFADevice.",
     SELF_SRC + [NOTACTION], SELF_TAGS + ["condition:BoolIfExists", "not-action", "explicit-deny"],
     selfstep("iam:DeactivateMFADevice", "arn:aws:iam::111122223333:mfa/test-pb-user", EXPLICIT,
              "identityPolicy", context={"aws:MultiFactorAuthPresent": False}))
case("self-control-deactivatemfa-long-term-keys-denied",
     "Seed 002 test-self-control-policy: with long-term access keys aws:MultiFactorAuthPresent is "
     "absent; BoolIfExists is then true, so the Deny applies (R3.4, R5.1).",
     SELF_SRC + [NOTACTION], SELF_TAGS + ["condition:BoolIfExists", "not-action", "explicit-deny"],
     selfstep("iam:DeactivateMFADevice", "arn:aws:iam::111122223333:mfa/test-pb-user", EXPLICIT,
              "identityPolicy"))
case("self-control-createvirtualmfa-without-mfa-allowed",
     "Seed 002 test-self-control-policy: iam:CreateVirtualMFADevice on the caller's own MFA name is "
     "listed in the Deny's NotAction, so it stays allowed before MFA is set up.",
     SELF_SRC + [NOTACTION], SELF_TAGS + ["not-action"],
     selfstep("iam:CreateVirtualMFADevice", "arn:aws:iam::111122223333:mfa/test-pb-user", ALLOWED,
              context={"aws:MultiFactorAuthPresent": False}))

# ================================================================= 3. basic decision procedure
JOHN = "arn:aws:iam::123456789012:user/JohnDoe"
JOHN7 = "arn:aws:iam::777788889999:user/JohnDoe"
DG = "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*"
case("default-implicit-deny-no-policies",
     "A user with no policies at all is implicitly denied (default deny); the message follows the "
     "identity-based implicit-deny example of the troubleshooting page (resource-less action).",
     [EVAL, INTERPLAY, AD_ID], ["default-deny", "identity", "message"],
     step(ev(JOHN, "codecommit:ListRepositories", "*"), IMPLICIT, "identityPolicy",
          "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: "
          "codecommit:ListRepositories because no identity-based policy allows the "
          "codecommit:ListRepositories action"))
case("identity-allow-other-action-implicit-deny",
     "An identity policy that allows only s3:GetObject does not allow s3:PutObject: implicit deny.",
     [EVAL, INTERPLAY], ["default-deny", "identity"],
     step(ev(ALICE, "s3:PutObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(allow("s3:GetObject", BUCKET + "/*"))]), IMPLICIT, "identityPolicy"))
case("identity-allow-allowed",
     "An identity policy Allow for the action and resource allows the request (same account, no "
     "other policy types).",
     [EVAL, EVAL_BASICS], ["identity"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(allow("s3:GetObject", BUCKET + "/*"))]), ALLOWED))
case("identity-explicit-deny-beats-allow-message",
     "An identity policy Deny overrides an Allow in another identity policy; the message follows the "
     "identity-based explicit-deny example of the troubleshooting page.",
     [EVAL, INTERPLAY, AD_ID], ["explicit-deny", "identity", "message"],
     step(ev(JOHN, "codedeploy:ListDeployments", DG,
             identityPolicies=[pol(allow("codedeploy:*")), pol(deny("codedeploy:ListDeployments"))]),
          EXPLICIT, "identityPolicy",
          "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: "
          "codedeploy:ListDeployments on resource: "
          "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in an "
          "identity-based policy"))
GETLIST = pol(allow(["iam:Get*", "iam:List*"], sid="AllowGetList"),
              deny("iam:*Report", sid="DenyReports"))
IL_SRC = [INTERPLAY, ACTION]
case("doc-allowgetlist-getuser-allowed",
     "AWS 'explicit and implicit denies' example (AllowGetList/DenyReports): iam:GetUser matches "
     "iam:Get* and no Deny, so it is allowed.",
     IL_SRC, ["identity", "action-match", "wildcard"],
     step(ev(ALICE, "iam:GetUser", BOB, identityPolicies=[GETLIST]), ALLOWED))
case("doc-allowgetlist-createpolicy-implicit",
     "AWS 'explicit and implicit denies' example: iam:CreatePolicy matches neither Get* nor List* "
     "and is implicitly denied.",
     IL_SRC, ["identity", "action-match", "default-deny"],
     step(ev(ALICE, "iam:CreatePolicy", "arn:aws:iam::111122223333:policy/new-policy",
             identityPolicies=[GETLIST]), IMPLICIT, "identityPolicy"))
case("doc-denyreports-getcredentialreport-explicit",
     "AWS 'explicit and implicit denies' example: iam:GetCredentialReport matches both iam:Get* "
     "(Allow) and iam:*Report (Deny); the Deny wins.",
     IL_SRC, ["identity", "action-match", "wildcard", "explicit-deny"],
     step(ev(ALICE, "iam:GetCredentialReport", "*", identityPolicies=[GETLIST]), EXPLICIT, "identityPolicy"))
case("doc-denyreports-generatecredentialreport-explicit",
     "AWS 'explicit and implicit denies' example: iam:GenerateCredentialReport matches iam:*Report "
     "and is explicitly denied even if another policy allowed it.",
     IL_SRC, ["identity", "action-match", "wildcard", "explicit-deny"],
     step(ev(ALICE, "iam:GenerateCredentialReport", "*",
             identityPolicies=[GETLIST, pol(allow("iam:GenerateCredentialReport"))]),
          EXPLICIT, "identityPolicy"))
case("multiple-identity-policies-or",
     "Allows from several identity policies are OR'ed: one policy allows s3:GetObject, another "
     "ec2:DescribeInstances; ec2:DescribeInstances is allowed.",
     [EVAL, IAM + "access_policies.html#access_policies-json"], ["identity"],
     step(ev(ALICE, "ec2:DescribeInstances", "*",
             identityPolicies=[pol(allow("s3:GetObject", BUCKET + "/*")), pol(allow("ec2:DescribeInstances"))]),
          ALLOWED))
case("allow-condition-not-met-implicit",
     "An Allow whose condition is not met (aws:SourceIp outside 203.0.113.0/24) does not apply: "
     "implicit deny.",
     [EVAL, OPS], ["identity", "condition:IpAddress"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, context={"aws:SourceIp": "198.51.100.7"},
             identityPolicies=[pol(allow("s3:GetObject", BUCKET + "/*",
                                         condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))]),
          IMPLICIT, "identityPolicy"))
CARLOS = "arn:aws:iam::123456789012:user/carlossalazar"
CARLOS_ID = pol(
    allow(["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints",
           "s3:ListAllMyBuckets"], "arn:aws:s3:::*", sid="AllowS3ListRead"),
    allow("s3:*", ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"], sid="AllowS3Self"),
    deny("s3:*", "arn:aws:s3:::*log*", sid="DenyS3Logs"))
CARLOS_BP = pol(st("Allow", "s3:*", ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
                   principal=aws(CARLOS)))
case("doc-carlos-logs-bucket-explicit-deny",
     "AWS single-account example: Carlos's DenyS3Logs statement (arn:aws:s3:::*log*) explicitly "
     "denies s3:PutObject of a file into the carlossalazar-logs bucket ('*' spans the '/').",
     [EVAL_OLD_EXAMPLE, EVAL], ["identity", "explicit-deny", "wildcard", "doc-example"],
     step(ev(CARLOS, "s3:PutObject", "arn:aws:s3:::carlossalazar-logs/notes.txt", resourceAccount=A3,
             identityPolicies=[CARLOS_ID]), EXPLICIT, "identityPolicy"))
case("doc-carlos-own-bucket-allowed",
     "AWS single-account example: s3:PutObject into the carlossalazar bucket is allowed by both the "
     "identity policy and the bucket policy.",
     [EVAL_OLD_EXAMPLE, EVAL], ["identity", "resource-policy", "same-account", "doc-example"],
     step(ev(CARLOS, "s3:PutObject", "arn:aws:s3:::carlossalazar/notes.txt", resourceAccount=A3,
             identityPolicies=[CARLOS_ID], resourcePolicy=CARLOS_BP), ALLOWED))
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:*"
case("resource-policy-explicit-deny-beats-identity-allow-message",
     "A Deny in the resource-based policy overrides the caller's identity Allow; message as in the "
     "resource-based explicit-deny example of the troubleshooting page.",
     [EVAL, AD_RBP], ["resource-policy", "explicit-deny", "same-account", "message"],
     step(ev(JOHN, "secretsmanager:GetSecretValue", SECRET,
             identityPolicies=[pol(allow("secretsmanager:GetSecretValue"))],
             resourcePolicy=pol(st("Deny", "secretsmanager:GetSecretValue", "*", principal="*"))),
          EXPLICIT, "resourcePolicy",
          "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: "
          "secretsmanager:GetSecretValue on resource: "
          "arn:aws:secretsmanager:us-east-1:123456789012:secret:* with an explicit deny in a "
          "resource-based policy"))
case("resource-policy-allow-and-deny-same-principal",
     "A bucket policy that both allows and denies the same user s3:GetObject: the Deny wins.",
     [EVAL, INTERPLAY], ["resource-policy", "explicit-deny", "same-account"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:*", BUCKET + "/*", principal=aws(ALICE)),
                                st("Deny", "s3:GetObject", BUCKET + "/reports/*", principal=aws(ALICE)))),
          EXPLICIT, "resourcePolicy"))
case("identity-deny-beats-resource-policy-allow",
     "The bucket policy grants the user s3:GetObject but the user's identity policy denies it: the "
     "explicit deny wins.",
     [EVAL, INTERPLAY], ["identity", "resource-policy", "explicit-deny", "same-account"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(deny("s3:*", BUCKET + "/*"))],
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(ALICE)))),
          EXPLICIT, "identityPolicy"))
case("boundary-explicit-deny-message",
     "A Deny in the permissions boundary overrides the identity Allow; message as in the explicit "
     "permissions-boundary example of the troubleshooting page (resource-less action).",
     [BOUND, AD_PB], ["boundary", "explicit-deny", "message"],
     step(ev(JOHN7, "sagemaker:ListModels", "*", identityPolicies=[pol(allow("sagemaker:*"))],
             permissionsBoundary=pol(allow("*"), deny("sagemaker:ListModels"))),
          EXPLICIT, "permissionsBoundary",
          "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: "
          "sagemaker:ListModels with an explicit deny in a permissions boundary"))
case("boundary-implicit-deny-message",
     "The identity policy allows codedeploy:ListDeployments but the boundary allows only S3; "
     "message as in the implicit permissions-boundary example of the troubleshooting page.",
     [BOUND, AD_PB], ["boundary", "message"],
     step(ev(JOHN, "codedeploy:ListDeployments", DG, identityPolicies=[pol(allow("codedeploy:*"))],
             permissionsBoundary=pol(allow("s3:*"))),
          IMPLICIT, "permissionsBoundary",
          "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: "
          "codedeploy:ListDeployments on resource: "
          "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* because no permissions "
          "boundary allows the codedeploy:ListDeployments action"))
case("session-policy-explicit-deny",
     "A Deny in the session policy overrides the role's identity Allow (message not asserted: the "
     "troubleshooting page prints 'sessions policy', IAM-SPEC U10).",
     [SESS, EVAL], ["session-policy", "explicit-deny"],
     step(ev(SESSION, "s3:DeleteObject", OBJ, resourceAccount=A1, identityPolicies=[ADMIN],
             sessionPolicies=[pol(allow("s3:*"), deny("s3:DeleteObject"))]),
          EXPLICIT, "sessionPolicy"))

# ================================================================= 4. NotAction / NotResource
case("notaction-allow-everything-but-iam-allowed",
     "Allow with NotAction iam:* and Resource * grants every non-IAM action: s3:ListAllMyBuckets is "
     "allowed (R2.3).",
     [NOTACTION], ["not-action", "identity"],
     step(ev(ALICE, "s3:ListAllMyBuckets", "*", identityPolicies=[pol(st("Allow", not_action="iam:*"))]),
          ALLOWED))
case("notaction-allow-listed-action-not-granted",
     "Allow with NotAction iam:* never grants the listed IAM actions: iam:CreateUser is implicitly "
     "denied (R2.3).",
     [NOTACTION], ["not-action", "identity", "default-deny"],
     step(ev(ALICE, "iam:CreateUser", BOB, identityPolicies=[pol(st("Allow", not_action="iam:*"))]),
          IMPLICIT, "identityPolicy"))
NA_BUCKET = pol(st("Allow", not_action="s3:DeleteBucket", resource=BUCKET))
case("notaction-allow-scoped-resource-other-action-allowed",
     "Allow NotAction s3:DeleteBucket on arn:aws:s3:::example-bucket allows other actions on that "
     "bucket, e.g. s3:GetBucketLocation.",
     [NOTACTION], ["not-action", "identity"],
     step(ev(ALICE, "s3:GetBucketLocation", BUCKET, resourceAccount=A1, identityPolicies=[NA_BUCKET]),
          ALLOWED))
case("notaction-allow-scoped-resource-listed-action-denied",
     "Allow NotAction s3:DeleteBucket on the bucket does not grant s3:DeleteBucket itself.",
     [NOTACTION], ["not-action", "identity", "default-deny"],
     step(ev(ALICE, "s3:DeleteBucket", BUCKET, resourceAccount=A1, identityPolicies=[NA_BUCKET]),
          IMPLICIT, "identityPolicy"))
case("notaction-allow-scoped-resource-other-resource-denied",
     "Allow NotAction s3:DeleteBucket scoped to arn:aws:s3:::example-bucket grants nothing on other "
     "resources: sqs:ListQueues on * is implicitly denied.",
     [NOTACTION], ["not-action", "identity", "default-deny"],
     step(ev(ALICE, "sqs:ListQueues", "*", identityPolicies=[NA_BUCKET]), IMPLICIT, "identityPolicy"))
case("notaction-deny-everything-but-listed",
     "Deny with NotAction iam:* plus Allow *: any non-IAM action (s3:GetObject) is explicitly denied.",
     [NOTACTION], ["not-action", "explicit-deny", "identity"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(allow("*"), st("Deny", not_action="iam:*"))]), EXPLICIT, "identityPolicy"))
case("notaction-deny-listed-action-untouched",
     "Deny with NotAction iam:* plus Allow *: the listed IAM actions are not denied; iam:ListUsers is "
     "allowed.",
     [NOTACTION], ["not-action", "identity"],
     step(ev(ALICE, "iam:ListUsers", "*", identityPolicies=[pol(allow("*"), st("Deny", not_action="iam:*"))]),
          ALLOWED))
case("notaction-wildcard-allow",
     "Allow NotAction s3:Delete* on *: s3:DeleteObject matches the wildcard and is not granted.",
     [NOTACTION, ACTION], ["not-action", "wildcard", "identity"],
     step(ev(ALICE, "s3:DeleteObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(st("Allow", not_action="s3:Delete*"))]), IMPLICIT, "identityPolicy"))
NR_ALLOW = pol(st("Allow", "s3:*", not_resource=["arn:aws:s3:::secret-bucket", "arn:aws:s3:::secret-bucket/*"]))
case("notresource-allow-other-resource-allowed",
     "Allow s3:* with NotResource secret-bucket grants S3 actions on every other resource.",
     [NOTRESOURCE], ["not-resource", "identity"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[NR_ALLOW]), ALLOWED))
case("notresource-allow-listed-resource-denied",
     "Allow s3:* with NotResource secret-bucket grants nothing on secret-bucket itself.",
     [NOTRESOURCE], ["not-resource", "identity", "default-deny"],
     step(ev(ALICE, "s3:GetObject", "arn:aws:s3:::secret-bucket/key.txt", resourceAccount=A1,
             identityPolicies=[NR_ALLOW]), IMPLICIT, "identityPolicy"))
NR_DENY = pol(allow("*"), st("Deny", "s3:*", not_resource=["arn:aws:s3:::HRBucket/Payroll",
                                                           "arn:aws:s3:::HRBucket/Payroll/*"]))
case("notresource-deny-other-resource-denied",
     "Deny s3:* with NotResource HRBucket/Payroll (AWS NotResource example shape): S3 access to any "
     "other bucket is explicitly denied.",
     [NOTRESOURCE], ["not-resource", "explicit-deny", "identity"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[NR_DENY]),
          EXPLICIT, "identityPolicy"))
case("notresource-deny-listed-resource-allowed",
     "Deny s3:* with NotResource HRBucket/Payroll: objects under HRBucket/Payroll are not denied and "
     "Allow * grants them.",
     [NOTRESOURCE], ["not-resource", "identity"],
     step(ev(ALICE, "s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/2024.csv", resourceAccount=A1,
             identityPolicies=[NR_DENY]), ALLOWED))
case("notresource-deny-other-service-untouched",
     "Deny s3:* with NotResource never touches other services: ec2:DescribeInstances stays allowed "
     "(R2.4).",
     [NOTRESOURCE], ["not-resource", "identity"],
     step(ev(ALICE, "ec2:DescribeInstances", "*", identityPolicies=[NR_DENY]), ALLOWED))

# ================================================================= 5. action matching
case("action-case-insensitive-policy-spelling",
     "Action names are case-insensitive: a policy allowing 'IAM:listaccesskeys' allows "
     "iam:ListAccessKeys (R2.1).",
     [ACTION], ["action-match", "case"],
     step(ev(ALICE, "iam:ListAccessKeys", ALICE, identityPolicies=[pol(allow("IAM:listaccesskeys"))]), ALLOWED))
case("action-case-insensitive-lowercase-name",
     "A policy allowing 's3:getobject' (lower case) allows s3:GetObject (R2.1).",
     [ACTION], ["action-match", "case"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:getobject"))]),
          ALLOWED))
case("action-case-insensitive-deny",
     "Case-insensitive action matching applies to Deny too: Deny 'S3:DELETEOBJECT' denies "
     "s3:DeleteObject.",
     [ACTION], ["action-match", "case", "explicit-deny"],
     step(ev(ALICE, "s3:DeleteObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(allow("s3:*"), deny("S3:DELETEOBJECT"))]), EXPLICIT, "identityPolicy"))
case("action-prefix-wildcard-no-match",
     "s3:Get* does not match s3:PutObject.",
     [ACTION], ["action-match", "wildcard"],
     step(ev(ALICE, "s3:PutObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:Get*"))]),
          IMPLICIT, "identityPolicy"))
case("action-leading-wildcard-match",
     "s3:*Object matches s3:PutObject (a leading * matches any run of characters).",
     [ACTION], ["action-match", "wildcard"],
     step(ev(ALICE, "s3:PutObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*Object"))]),
          ALLOWED))
case("action-leading-wildcard-suffix-mismatch",
     "s3:*Object does not match s3:GetObjectAcl (the name must end in 'Object').",
     [ACTION], ["action-match", "wildcard"],
     step(ev(ALICE, "s3:GetObjectAcl", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*Object"))]),
          IMPLICIT, "identityPolicy"))
case("action-infix-wildcard-match",
     "iam:*AccessKey* matches iam:UpdateAccessKey (AWS boundary example uses this pattern).",
     [ACTION, BOUND_DELEGATE], ["action-match", "wildcard"],
     step(ev(ALICE, "iam:UpdateAccessKey", ALICE, identityPolicies=[pol(allow("iam:*AccessKey*"))]), ALLOWED))
case("action-service-wildcard-does-not-cross-prefix",
     "ec2:* covers only the ec2 service prefix: ec2messages:GetMessages is not matched.",
     [ACTION], ["action-match", "wildcard"],
     step(ev(ALICE, "ec2messages:GetMessages", "*", identityPolicies=[pol(allow("ec2:*"))]),
          IMPLICIT, "identityPolicy"))
case("action-wildcard-deny-prefix",
     "Deny iam:Delete* with AdministratorAccess: iam:DeleteUser is explicitly denied.",
     [ACTION, EVAL], ["action-match", "wildcard", "explicit-deny"],
     step(ev(ALICE, "iam:DeleteUser", BOB, identityPolicies=[ADMIN, pol(deny("iam:Delete*"))]),
          EXPLICIT, "identityPolicy"))
case("action-question-mark-wildcard",
     "s3:Get?bject matches s3:GetObject if '?' works in Action. Uncertain (IAM-SPEC U7): the Action "
     "reference page documents only '*'; '?' is described in AWS training material.",
     [ACTION], ["action-match", "wildcard", "uncertain"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:Get?bject"))]),
          ALLOWED))

# ================================================================= 6. resource matching
DEMO = "arn:aws:s3:::amzn-s3-demo-bucket"
TEST_WC = pol(allow("s3:GetObject", DEMO + "/*/test/*"))
case("resource-wildcard-crosses-slashes",
     "Resource arn:aws:s3:::amzn-s3-demo-bucket/*/test/* matches keys where '*' spans slashes or is "
     "empty (AWS Resource-element examples, R2.6).",
     [RESOURCE_WC], ["resource-match", "wildcard"],
     [step(ev(ALICE, "s3:GetObject", DEMO + key, resourceAccount=A1, identityPolicies=[TEST_WC]), ALLOWED)
      for key in ["/1/test/object.jpg", "/1/2/test/3/object.jpg", "/1///test///object.jpg",
                  "//test/object.jpg", "/1/test/"]])
case("resource-wildcard-slash-no-match",
     "Resource arn:aws:s3:::amzn-s3-demo-bucket/*/test/* does not match test/object.jpg (no slash "
     "before 'test') nor 1-test/object.jpg (R2.6).",
     [RESOURCE_WC], ["resource-match", "wildcard"],
     [step(ev(ALICE, "s3:GetObject", DEMO + key, resourceAccount=A1, identityPolicies=[TEST_WC]),
           IMPLICIT, "identityPolicy")
      for key in ["/test/object.jpg", "/1-test/object.jpg"]])
QM = pol(allow("s3:GetObject", BUCKET + "/report-?.csv"))
case("resource-question-mark-one-char",
     "'?' in a resource ARN matches exactly one character: report-?.csv matches report-1.csv.",
     [RESOURCE_WC], ["resource-match", "wildcard"],
     step(ev(ALICE, "s3:GetObject", BUCKET + "/report-1.csv", resourceAccount=A1, identityPolicies=[QM]),
          ALLOWED))
case("resource-question-mark-not-two-chars",
     "'?' matches exactly one character: report-?.csv does not match report-10.csv.",
     [RESOURCE_WC], ["resource-match", "wildcard"],
     step(ev(ALICE, "s3:GetObject", BUCKET + "/report-10.csv", resourceAccount=A1, identityPolicies=[QM]),
          IMPLICIT, "identityPolicy"))
case("resource-case-sensitive-s3-key",
     "Resource matching is case-sensitive: arn:aws:s3:::example-bucket/Reports/* does not match the "
     "key reports/q1.csv (R2.7).",
     [RESOURCE], ["resource-match", "case"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(allow("s3:GetObject", BUCKET + "/Reports/*"))]), IMPLICIT, "identityPolicy"))
case("resource-case-sensitive-iam-user-name",
     "The Resource page says the IAM user name in a Resource ARN is case sensitive, so user/Bob does "
     "not match user/bob. Uncertain (IAM-SPEC U9): IAM user names are case-insensitive identities, "
     "so which spelling reaches the request ARN is not documented.",
     [RESOURCE], ["resource-match", "case", "uncertain"],
     step(ev(ALICE, "iam:GetUser", "arn:aws:iam::111122223333:user/bob",
             identityPolicies=[pol(allow("iam:GetUser", "arn:aws:iam::111122223333:user/Bob"))]),
          IMPLICIT, "identityPolicy"))
case("resource-bucket-arn-does-not-match-object",
     "arn:aws:s3:::example-bucket (the bucket) does not match an object ARN in that bucket: ARNs are "
     "compared as whole strings.",
     [RESOURCE], ["resource-match"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(allow("s3:GetObject", BUCKET))]), IMPLICIT, "identityPolicy"))
case("resource-region-wildcard",
     "A '*' region segment matches any region: arn:aws:sns:*:123456789012:example-topic matches the "
     "ap-northeast-1 topic.",
     [RESOURCE_WC], ["resource-match", "wildcard"],
     step(ev(DEV_ROLE_DEVELOP, "sns:Publish", SEED_TOPIC,
             identityPolicies=[pol(allow("sns:Publish", "arn:aws:sns:*:123456789012:example-topic"))]), ALLOWED))
case("resource-account-mismatch",
     "The account segment must match: a policy for topics in 111122223333 does not cover "
     "123456789012's topic.",
     [RESOURCE], ["resource-match"],
     step(ev(DEV_ROLE_DEVELOP, "sns:Publish", SEED_TOPIC,
             identityPolicies=[pol(allow("sns:Publish", "arn:aws:sns:ap-northeast-1:111122223333:example-topic"))]),
          IMPLICIT, "identityPolicy"))
case("resource-multiple-wildcards-in-segment",
     "Several '*' in one segment: table/*-prod-* matches table/orders-prod-v2.",
     [RESOURCE_WC], ["resource-match", "wildcard"],
     step(ev(ALICE, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/orders-prod-v2",
             identityPolicies=[pol(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/*-prod-*"))]),
          ALLOWED))
case("resource-trailing-wildcard-spans-colons",
     "The current Resource page says a '*' that ends an ARN segment 'can expand to match beyond "
     "colon boundaries', so arn:aws:sns:us-east-1:* matches a topic ARN. Uncertain (IAM-SPEC U8, and "
     "R2.5 says '*' does not cross the first five colons): AWS pages disagree.",
     [RESOURCE_WC], ["resource-match", "wildcard", "uncertain"],
     step(ev(ALICE, "sns:Publish", TOPIC, identityPolicies=[pol(allow("sns:Publish", "arn:aws:sns:us-east-1:*"))]),
          ALLOWED))

# ================================================================= 7. same-account resource policies
SA_SRC = [EVAL, PRIN]
case("same-account-rbp-user-arn-no-identity-policy",
     "Same account: a bucket policy naming the IAM user ARN allows s3:GetObject although the user "
     "has no identity policy (R7.1).",
     SA_SRC + [PRIN_USER], ["resource-policy", "same-account", "principal:user"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(ALICE)))), ALLOWED))
case("same-account-rbp-user-arn-not-limited-by-boundary",
     "Same account: a bucket policy naming the IAM user ARN is not limited by an implicit deny in the "
     "user's permissions boundary (R7.1).",
     SA_SRC + [BOUND], ["resource-policy", "same-account", "principal:user", "boundary"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, permissionsBoundary=pol(allow("ec2:*")),
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(ALICE)))), ALLOWED))
case("same-account-rbp-user-arn-boundary-explicit-deny",
     "Same account: an explicit Deny in the boundary still overrides a bucket policy that names the "
     "user (R7.8).",
     SA_SRC + [BOUND], ["resource-policy", "same-account", "principal:user", "boundary", "explicit-deny"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             permissionsBoundary=pol(allow("*"), deny("s3:*")),
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(ALICE)))),
          EXPLICIT, "permissionsBoundary"))
case("same-account-rbp-other-user-no-identity",
     "Same account: a bucket policy naming a different user grants nothing to alice, who has no "
     "identity policy.",
     SA_SRC, ["resource-policy", "same-account", "principal:user"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(BOB)))),
          IMPLICIT, "identityPolicy"))
case("same-account-identity-only-no-rbp-needed",
     "Same account: with no resource policy at all an identity Allow is enough.",
     [EVAL, IAM + "access_policies.html#policies_resource-based"], ["identity", "same-account"],
     step(ev(ALICE, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:example-queue",
             identityPolicies=[pol(allow("sqs:SendMessage"))]), ALLOWED))
case("same-account-rbp-role-arn-no-identity-policy",
     "Same account: a resource policy naming the role ARN allows the role's session without any "
     "identity policy when no boundary or session policy is present (R7.3).",
     SA_SRC + [PRIN_ROLE], ["resource-policy", "same-account", "principal:role"],
     step(ev(SESSION, "sns:Publish", TOPIC,
             resourcePolicy=pol(st("Allow", "sns:Publish", TOPIC, principal=aws(ROLE)))), ALLOWED))
case("same-account-rbp-role-arn-limited-by-boundary",
     "Same account: a resource policy naming the role ARN is limited by an implicit deny in the "
     "role's boundary (R7.3). deniedBy is not asserted: the identity policy is also silent and the "
     "order between the two is not documented.",
     SA_SRC + [BOUND], ["resource-policy", "same-account", "principal:role", "boundary"],
     step(ev(SESSION, "sns:Publish", TOPIC, permissionsBoundary=pol(allow("s3:*")),
             resourcePolicy=pol(st("Allow", "sns:Publish", TOPIC, principal=aws(ROLE)))), IMPLICIT))
case("same-account-rbp-role-arn-limited-by-session-policy",
     "Same account: a resource policy naming the role ARN is limited by the session policy: the "
     "session policy caps identity plus RBP permissions (R7.3, R10.3). deniedBy not asserted, as above.",
     SA_SRC + [SESS], ["resource-policy", "same-account", "principal:role", "session-policy"],
     step(ev(SESSION, "sns:Publish", TOPIC, sessionPolicies=[pol(allow("s3:GetObject"))],
             resourcePolicy=pol(st("Allow", "sns:Publish", TOPIC, principal=aws(ROLE)))), IMPLICIT))
case("same-account-rbp-role-arn-session-policy-allows",
     "Same account: resource policy naming the role ARN plus a session policy that allows the action: "
     "allowed although the role has no identity policy (R10.3: session ∩ (identity ∪ RBP)).",
     SA_SRC + [SESS], ["resource-policy", "same-account", "principal:role", "session-policy"],
     step(ev(SESSION, "sns:Publish", TOPIC, sessionPolicies=[pol(allow("sns:*"))],
             resourcePolicy=pol(st("Allow", "sns:Publish", TOPIC, principal=aws(ROLE)))), ALLOWED))
case("same-account-rbp-role-arn-identity-allows-session-denies",
     "Same account: the role's identity policy and a resource policy naming the role ARN both allow, "
     "but the session policy does not: implicit deny by the session policy.",
     SA_SRC + [SESS], ["resource-policy", "same-account", "principal:role", "session-policy"],
     step(ev(SESSION, "sns:Publish", TOPIC, identityPolicies=[pol(allow("sns:Publish"))],
             sessionPolicies=[pol(allow("s3:GetObject"))],
             resourcePolicy=pol(st("Allow", "sns:Publish", TOPIC, principal=aws(ROLE)))),
          IMPLICIT, "sessionPolicy"))
case("same-account-rbp-session-arn-not-limited",
     "Same account: a resource policy naming the exact role session ARN allows it regardless of "
     "implicit denies in identity policy, boundary and session policy (R7.2).",
     SA_SRC + [PRIN_SESSION, SESS], ["resource-policy", "same-account", "principal:session", "boundary",
                                     "session-policy"],
     step(ev(SESSION, "sns:Publish", TOPIC, permissionsBoundary=pol(allow("s3:*")),
             sessionPolicies=[pol(allow("s3:GetObject"))],
             resourcePolicy=pol(st("Allow", "sns:Publish", TOPIC, principal=aws(SESSION)))), ALLOWED))
case("same-account-rbp-session-arn-other-session-name",
     "A resource policy naming session 'other-session' does not match the session 'app-session' of "
     "the same role; with no identity policy the request is implicitly denied (R2.11).",
     SA_SRC + [PRIN_SESSION], ["resource-policy", "same-account", "principal:session"],
     step(ev(SESSION, "sns:Publish", TOPIC,
             resourcePolicy=pol(st("Allow", "sns:Publish", TOPIC, principal=aws(OTHER_SESSION)))),
          IMPLICIT, "identityPolicy"))
case("same-account-rbp-session-arn-session-policy-explicit-deny",
     "Same account: a resource policy naming the session ARN is still overridden by an explicit Deny "
     "in the session policy (R7.8).",
     SA_SRC + [SESS], ["resource-policy", "same-account", "principal:session", "session-policy",
                       "explicit-deny"],
     step(ev(SESSION, "sns:Publish", TOPIC, sessionPolicies=[pol(allow("*"), deny("sns:Publish"))],
             resourcePolicy=pol(st("Allow", "sns:Publish", TOPIC, principal=aws(SESSION)))),
          EXPLICIT, "sessionPolicy"))
case("same-account-rbp-account-root-arn-no-identity",
     "Same account: a resource policy naming the account (arn:aws:iam::111122223333:root) delegates "
     "to the account and grants nothing by itself; a user without identity policy is denied (R7.6).",
     SA_SRC + [PRIN_ACCT], ["resource-policy", "same-account", "principal:account"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(ROOT1)))),
          IMPLICIT, "identityPolicy"))
case("same-account-rbp-account-id-identity-allows",
     "Same account: a resource policy naming the bare account id plus an identity Allow: allowed "
     "(R7.6, R2.10).",
     SA_SRC + [PRIN_ACCT], ["resource-policy", "same-account", "principal:account"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:GetObject"))],
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(A1)))), ALLOWED))
case("same-account-rbp-account-session-policy-denies",
     "Same account: a resource policy naming only the account leaves the session to its identity "
     "path; the identity policy allows but the session policy does not (R7.6, R6.9).",
     SA_SRC + [PRIN_ACCT, SESS], ["resource-policy", "same-account", "principal:account", "session-policy"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             sessionPolicies=[pol(allow("ec2:*"))],
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(ROOT1)))),
          IMPLICIT, "sessionPolicy"))
PARN_COND = {"ArnEquals": {"aws:PrincipalArn": ROLE}}
case("same-account-rbp-wildcard-principalarn-role-allowed",
     "Same account: a bucket policy with Principal '*' and ArnEquals aws:PrincipalArn = the role ARN "
     "matches the role's session, because aws:PrincipalArn of a role session is the role ARN, not the "
     "session ARN (R7.4, GKEYS).",
     SA_SRC + [K_PRINCIPALARN], ["resource-policy", "same-account", "principal:wildcard", "derived-key"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal="*", condition=PARN_COND))),
          ALLOWED))
case("same-account-rbp-wildcard-principalarn-session-arn-no-match",
     "A bucket policy condition ArnEquals aws:PrincipalArn = the session ARN never matches a role "
     "session (its aws:PrincipalArn is the role ARN); with no identity policy: implicit deny.",
     SA_SRC + [K_PRINCIPALARN], ["resource-policy", "same-account", "principal:wildcard", "derived-key"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal="*",
                                   condition={"ArnEquals": {"aws:PrincipalArn": SESSION}}))),
          IMPLICIT, "identityPolicy"))
case("same-account-rbp-wildcard-principalarn-stringlike",
     "aws:PrincipalArn with StringLike arn:aws:iam::111122223333:role/example-* matches the role "
     "session (derived key is the role ARN).",
     SA_SRC + [K_PRINCIPALARN, OPS], ["resource-policy", "same-account", "principal:wildcard", "derived-key",
                                      "condition:StringLike"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal="*",
                                   condition={"StringLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/example-*"}}))),
          ALLOWED))
case("same-account-rbp-wildcard-principalarn-not-limited-by-boundary",
     "Principal '*' + aws:PrincipalArn = role ARN, role with a boundary that allows only ec2:* and a "
     "session policy that allows only ec2:*: allowed per IAM-SPEC R7.4. Uncertain: the AWS page copies "
     "read here did not show the statement R7.4 relies on.",
     SA_SRC + [K_PRINCIPALARN], ["resource-policy", "same-account", "principal:wildcard", "derived-key",
                                 "boundary", "session-policy", "uncertain"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1, permissionsBoundary=pol(allow("ec2:*")),
             sessionPolicies=[pol(allow("ec2:*"))],
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal="*", condition=PARN_COND))),
          ALLOWED))
case("same-account-rbp-wildcard-principalarn-boundary-explicit-deny",
     "Principal '*' + aws:PrincipalArn grant is still overridden by an explicit Deny in the role's "
     "boundary (R7.8).",
     SA_SRC + [BOUND], ["resource-policy", "same-account", "principal:wildcard", "boundary", "explicit-deny"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1,
             permissionsBoundary=pol(allow("*"), deny("s3:GetObject")),
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal="*", condition=PARN_COND))),
          EXPLICIT, "permissionsBoundary"))
case("same-account-rbp-plain-wildcard-with-boundary",
     "Same account: a bucket policy allowing Principal '*' (no condition) for a user whose boundary "
     "allows only ec2:*. Expected allowed per IAM-SPEC R7.4/U5. Uncertain (U5): the exemption from "
     "boundary limits is inferred, AWS documents it only for user/session ARNs.",
     SA_SRC + [BOUND], ["resource-policy", "same-account", "principal:wildcard", "boundary", "uncertain"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, permissionsBoundary=pol(allow("ec2:*")),
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal="*"))), ALLOWED))
case("same-account-rbp-plain-wildcard-no-identity",
     "Same account: a bucket policy allowing Principal '*' is enough for a user with no identity "
     "policy (no boundary, no session policy).",
     SA_SRC + [IAM + "access_policies.html#policies_resource-based"], ["resource-policy", "same-account",
                                                                       "principal:wildcard"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal="*"))), ALLOWED))
case("same-account-rbp-service-principal-only",
     "A resource policy that grants only to a service principal (sns.amazonaws.com) grants nothing to "
     "an IAM user; without identity policy the user is denied.",
     SA_SRC + [PRIN_SERVICE], ["resource-policy", "same-account", "principal:service"],
     step(ev(ALICE, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:example-queue",
             resourcePolicy=pol(st("Allow", "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:example-queue",
                                   principal={"Service": "sns.amazonaws.com"}))),
          IMPLICIT, "identityPolicy"))
case("same-account-rbp-service-deny-does-not-hit-user",
     "A resource-policy Deny aimed at a service principal does not apply to an IAM user; the user's "
     "identity Allow stands.",
     SA_SRC + [PRIN_SERVICE], ["resource-policy", "same-account", "principal:service"],
     step(ev(ALICE, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:example-queue",
             identityPolicies=[pol(allow("sqs:*"))],
             resourcePolicy=pol(st("Deny", "sqs:SendMessage", "*", principal={"Service": "sns.amazonaws.com"}))),
          ALLOWED))
case("notprincipal-deny-with-boundary-always-denies",
     "A bucket-policy Deny with NotPrincipal naming alice still denies alice when she has a "
     "permissions boundary: AWS documents that such a Deny always denies principals with a boundary.",
     [NOTPRIN, BOUND_TOP], ["resource-policy", "same-account", "not-principal", "boundary", "explicit-deny"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             permissionsBoundary=pol(allow("s3:*")),
             resourcePolicy=pol(st("Deny", "s3:*", [BUCKET, BUCKET + "/*"], not_principal=aws(ALICE)))),
          EXPLICIT, "resourcePolicy"))

# ================================================================= 8. cross-account
XU = "arn:aws:iam::111122223333:user/alice"
X_SRC = [XACCT, EVAL]


def xbp(principal, action="s3:GetObject", resource=XBUCKET + "/*", **kw):
    return pol(st("Allow", action, resource, principal=principal, **kw))


case("cross-account-both-allow",
     "Cross-account: the user's identity policy and the bucket policy in 444455556666 naming the user "
     "both allow: allowed (R8.1).",
     X_SRC + [PRIN_USER], ["cross-account", "resource-policy", "principal:user"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:GetObject"))],
             resourcePolicy=xbp(aws(XU))), ALLOWED))
case("cross-account-rbp-only-no-identity",
     "Cross-account: a bucket policy naming the user is not enough; without an identity Allow in the "
     "caller's account the request is denied (R8.1).",
     X_SRC, ["cross-account", "resource-policy", "principal:user"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, resourcePolicy=xbp(aws(XU))),
          IMPLICIT, "identityPolicy"))
case("cross-account-identity-only-no-rbp",
     "Cross-account: an identity Allow alone is not enough; the resource account has no policy that "
     "allows the caller (R8.1).",
     X_SRC, ["cross-account", "resource-policy"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:GetObject"))]),
          IMPLICIT, "resourcePolicy"))
case("cross-account-rbp-names-other-principal",
     "Cross-account: the bucket policy names another account's user; alice's identity Allow does not "
     "help.",
     X_SRC, ["cross-account", "resource-policy", "principal:user"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:GetObject"))],
             resourcePolicy=xbp(aws("arn:aws:iam::777788889999:user/alice"))), IMPLICIT, "resourcePolicy"))
case("cross-account-rbp-account-root-principal",
     "Cross-account: a bucket policy naming the caller's account (root ARN) plus the caller's identity "
     "Allow: allowed (R8.2, R2.10).",
     X_SRC + [PRIN_ACCT], ["cross-account", "resource-policy", "principal:account"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:GetObject"))],
             resourcePolicy=xbp(aws(ROOT1))), ALLOWED))
case("cross-account-rbp-bare-account-id",
     "Cross-account: naming the account by its bare 12-digit id behaves like the root ARN.",
     X_SRC + [PRIN_ACCT], ["cross-account", "resource-policy", "principal:account"],
     step(ev(XU, "sqs:SendMessage", XQUEUE, identityPolicies=[pol(allow("sqs:SendMessage", XQUEUE))],
             resourcePolicy=pol(st("Allow", "sqs:SendMessage", XQUEUE, principal=aws(A1)))), ALLOWED))
case("cross-account-rbp-account-no-identity",
     "Cross-account: a queue policy naming the caller's account, but the caller has no identity "
     "policy: denied in the caller's account.",
     X_SRC + [PRIN_ACCT], ["cross-account", "resource-policy", "principal:account"],
     step(ev(XU, "sqs:SendMessage", XQUEUE,
             resourcePolicy=pol(st("Allow", "sqs:SendMessage", XQUEUE, principal=aws(A1)))),
          IMPLICIT, "identityPolicy"))
case("cross-account-rbp-explicit-deny",
     "Cross-account: the identity policy allows, the bucket policy allows the account but also "
     "denies the user: explicit deny in the resource account.",
     X_SRC, ["cross-account", "resource-policy", "explicit-deny"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:*"))],
             resourcePolicy=pol(st("Allow", "s3:GetObject", XBUCKET + "/*", principal=aws(ROOT1)),
                                st("Deny", "s3:GetObject", XBUCKET + "/data/*", principal=aws(XU)))),
          EXPLICIT, "resourcePolicy"))
case("cross-account-identity-explicit-deny",
     "Cross-account: the bucket policy allows the user but the user's own identity policy denies: "
     "explicit deny in the caller's account.",
     X_SRC, ["cross-account", "identity", "explicit-deny"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2,
             identityPolicies=[pol(allow("s3:*"), deny("s3:GetObject", XBUCKET + "/*"))],
             resourcePolicy=xbp(aws(XU))), EXPLICIT, "identityPolicy"))
XSESSION = "arn:aws:sts::111122223333:assumed-role/example-role/app-session"
case("cross-account-rbp-role-arn",
     "Cross-account: a queue policy naming the role ARN plus the role's identity Allow: the role's "
     "session is allowed.",
     X_SRC + [PRIN_ROLE], ["cross-account", "resource-policy", "principal:role"],
     step(ev(XSESSION, "sqs:SendMessage", XQUEUE, identityPolicies=[pol(allow("sqs:SendMessage"))],
             resourcePolicy=pol(st("Allow", "sqs:SendMessage", XQUEUE, principal=aws(ROLE)))), ALLOWED))
case("cross-account-rbp-session-arn-needs-identity",
     "Cross-account: a queue policy naming the exact session ARN does not bypass the caller's account; "
     "without an identity Allow the request is denied (R8.1: R7 shortcuts do not apply).",
     X_SRC + [PRIN_SESSION], ["cross-account", "resource-policy", "principal:session"],
     step(ev(XSESSION, "sqs:SendMessage", XQUEUE,
             resourcePolicy=pol(st("Allow", "sqs:SendMessage", XQUEUE, principal=aws(XSESSION)))),
          IMPLICIT, "identityPolicy"))
case("cross-account-boundary-limits",
     "Cross-account: identity Allow and queue policy naming the role, but the role's boundary allows "
     "only S3: the caller's account evaluation denies.",
     X_SRC + [BOUND], ["cross-account", "resource-policy", "boundary", "principal:role"],
     step(ev(XSESSION, "sqs:SendMessage", XQUEUE, identityPolicies=[pol(allow("sqs:*"))],
             permissionsBoundary=pol(allow("s3:*")),
             resourcePolicy=pol(st("Allow", "sqs:SendMessage", XQUEUE, principal=aws(ROLE)))),
          IMPLICIT, "permissionsBoundary"))
case("cross-account-session-policy-limits",
     "Cross-account: identity Allow and queue policy naming the role, but the session policy allows "
     "only s3:GetObject.",
     X_SRC + [SESS], ["cross-account", "resource-policy", "session-policy", "principal:role"],
     step(ev(XSESSION, "sqs:SendMessage", XQUEUE, identityPolicies=[pol(allow("sqs:*"))],
             sessionPolicies=[pol(allow("s3:GetObject"))],
             resourcePolicy=pol(st("Allow", "sqs:SendMessage", XQUEUE, principal=aws(ROLE)))),
          IMPLICIT, "sessionPolicy"))
case("cross-account-wildcard-principalarn-needs-identity",
     "Cross-account: a bucket policy with Principal '*' and aws:PrincipalArn = the role ARN matches "
     "the session, but the caller's account must still allow; no identity policy: denied.",
     X_SRC + [K_PRINCIPALARN], ["cross-account", "resource-policy", "principal:wildcard", "derived-key"],
     step(ev(XSESSION, "s3:GetObject", XOBJ, resourceAccount=A2,
             resourcePolicy=xbp("*", condition=PARN_COND)), IMPLICIT, "identityPolicy"))
case("cross-account-wildcard-principalarn-both-allow",
     "Cross-account: Principal '*' + aws:PrincipalArn = the role ARN in the bucket policy and an "
     "identity Allow on the role: allowed.",
     X_SRC + [K_PRINCIPALARN], ["cross-account", "resource-policy", "principal:wildcard", "derived-key"],
     step(ev(XSESSION, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:GetObject"))],
             resourcePolicy=xbp("*", condition=PARN_COND)), ALLOWED))
case("cross-account-service-principal-only",
     "Cross-account: a queue policy granting only to a service principal does not allow a user of "
     "another account, whatever its identity policy says.",
     X_SRC + [PRIN_SERVICE], ["cross-account", "resource-policy", "principal:service"],
     step(ev(XU, "sqs:SendMessage", XQUEUE, identityPolicies=[pol(allow("sqs:*"))],
             resourcePolicy=pol(st("Allow", "sqs:SendMessage", XQUEUE, principal={"Service": "sns.amazonaws.com"}))),
          IMPLICIT, "resourcePolicy"))
PROD = "arn:aws:s3:::Production"
CARLOS_X = "arn:aws:iam::111122223333:user/carlossalazar"
CARLOS_X_ID = pol(allow("s3:ListAllMyBuckets", sid="AllowS3ListRead"),
                  allow("s3:*Object*", PROD + "/*", sid="AllowS3ProductionObjectActions"),
                  deny("s3:*", ["arn:aws:s3:::*log*", "arn:aws:s3:::*log*/*"], sid="DenyS3Logs"))
CARLOS_X_BP = pol(st("Allow", ["s3:GetObject*", "s3:PutObject*", "s3:ReplicateObject", "s3:RestoreObject"],
                     PROD + "/*", principal=aws(CARLOS_X)))
case("doc-cross-account-carlos-production-allowed",
     "AWS cross-account example (accounts changed to 111122223333/444455556666): Carlos saves a file "
     "to the Production bucket; identity policy and bucket policy both allow.",
     [XACCT_EX], ["cross-account", "resource-policy", "doc-example"],
     step(ev(CARLOS_X, "s3:PutObject", PROD + "/build/app.zip", resourceAccount=A2,
             identityPolicies=[CARLOS_X_ID], resourcePolicy=CARLOS_X_BP), ALLOWED))
case("doc-cross-account-carlos-production-logs-denied",
     "AWS cross-account example: saving to the Production-logs bucket (no bucket policy) is denied "
     "by Carlos's own DenyS3Logs statement.",
     [XACCT_EX], ["cross-account", "explicit-deny", "doc-example"],
     step(ev(CARLOS_X, "s3:PutObject", "arn:aws:s3:::Production-logs/app.log", resourceAccount=A2,
             identityPolicies=[CARLOS_X_ID]), EXPLICIT, "identityPolicy"))
case("doc-cross-account-carlos-delete-not-granted",
     "AWS cross-account example: the Production bucket policy lets Carlos create and edit but not "
     "delete objects; s3:DeleteObject is not allowed by the resource account.",
     [XACCT_EX], ["cross-account", "resource-policy", "doc-example"],
     step(ev(CARLOS_X, "s3:DeleteObject", PROD + "/build/app.zip", resourceAccount=A2,
             identityPolicies=[CARLOS_X_ID], resourcePolicy=CARLOS_X_BP), IMPLICIT, "resourcePolicy"))

# ================================================================= 9. boundaries
SHIRLEY = "arn:aws:iam::111122223333:user/ShirleyRodriguez"
SHIRLEY_PB = pol(allow(["s3:*", "cloudwatch:*", "ec2:*"]))
case("doc-shirley-boundary-blocks-createuser",
     "AWS boundary example: Shirley's boundary allows only S3, CloudWatch and EC2, so her identity "
     "policy allowing iam:CreateUser has no effect.",
     [BOUND_TOP], ["boundary", "doc-example"],
     step(ev(SHIRLEY, "iam:CreateUser", "arn:aws:iam::111122223333:user/new-user",
             identityPolicies=[pol(allow("iam:CreateUser"))], permissionsBoundary=SHIRLEY_PB),
          IMPLICIT, "permissionsBoundary"))
case("doc-shirley-boundary-and-identity-allow",
     "AWS boundary example: an S3 action allowed by both the identity policy and the boundary is "
     "allowed.",
     [BOUND_TOP, BOUND], ["boundary", "doc-example"],
     step(ev(SHIRLEY, "s3:ListAllMyBuckets", "*", identityPolicies=[pol(allow("s3:*"))],
             permissionsBoundary=SHIRLEY_PB), ALLOWED))
case("boundary-never-grants",
     "A boundary alone grants nothing: boundary allows s3:*, no identity policy: implicit deny by the "
     "identity policy (R10.1).",
     [BOUND_TOP, BOUND], ["boundary", "default-deny"],
     step(ev(SHIRLEY, "s3:ListAllMyBuckets", "*", permissionsBoundary=SHIRLEY_PB), IMPLICIT, "identityPolicy"))
case("boundary-on-role-session",
     "A boundary on a role caps its sessions: AdministratorAccess role with boundary ec2:* cannot "
     "call sqs:ListQueues.",
     [BOUND, EVAL], ["boundary", "principal:session"],
     step(ev(SESSION, "sqs:ListQueues", "*", identityPolicies=[ADMIN], permissionsBoundary=pol(allow("ec2:*"))),
          IMPLICIT, "permissionsBoundary"))
XCB = pol(
    allow(["s3:*", "cloudwatch:*", "ec2:*", "dynamodb:*"], sid="ServiceBoundaries"),
    allow(["iam:ListUsers", "iam:GetAccountPasswordPolicy"], sid="AllowIAMConsoleForCredentials"),
    allow(["iam:*AccessKey*", "iam:ChangePassword", "iam:GetUser", "iam:*ServiceSpecificCredential*",
           "iam:*SigningCertificate*"], ["arn:aws:iam::*:user/${aws:username}"],
          sid="AllowManageOwnPasswordAndAccessKeys"),
    deny("s3:*", ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"], sid="DenyS3Logs"),
    deny("ec2:*", "arn:aws:ec2:*:*:instance/i-1234567890abcdef0", sid="DenyEC2Production"),
)
NEWHIRE = "arn:aws:iam::111122223333:user/new-hire"
XCB_SRC = [BOUND_DELEGATE]
XCB_TAGS = ["boundary", "doc-example"]


def xcb(action, resource, decision, denied_by=None, **kw):
    return step(ev(NEWHIRE, action, resource, identityPolicies=[ADMIN], permissionsBoundary=XCB, **kw),
                decision, denied_by)


case("doc-xcompany-boundary-s3-logs-denied",
     "AWS delegation example: the XCompanyBoundaries boundary denies access to the logs bucket even "
     "for a user with AdministratorAccess.",
     XCB_SRC, XCB_TAGS + ["explicit-deny"],
     xcb("s3:GetObject", "arn:aws:s3:::logs/app.log", EXPLICIT, "permissionsBoundary", resourceAccount=A1))
case("doc-xcompany-boundary-ec2-production-denied",
     "AWS delegation example: XCompanyBoundaries denies every EC2 action on instance "
     "i-1234567890abcdef0 (region and account wildcards).",
     XCB_SRC, XCB_TAGS + ["explicit-deny", "wildcard"],
     xcb("ec2:TerminateInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1234567890abcdef0",
         EXPLICIT, "permissionsBoundary"))
case("doc-xcompany-boundary-dynamodb-allowed",
     "AWS delegation example: DynamoDB is inside XCompanyBoundaries, so an AdministratorAccess user "
     "may call dynamodb:GetItem.",
     XCB_SRC, XCB_TAGS,
     xcb("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/orders", ALLOWED))
case("doc-xcompany-boundary-own-access-key-allowed",
     "AWS delegation example: the boundary allows iam:*AccessKey* only on the caller's own user "
     "(${aws:username}); creating an access key for oneself is allowed.",
     XCB_SRC + [VARS], XCB_TAGS + ["variables"],
     xcb("iam:CreateAccessKey", NEWHIRE, ALLOWED))
case("doc-xcompany-boundary-other-access-key-denied",
     "AWS delegation example: creating an access key for another user is outside the boundary.",
     XCB_SRC + [VARS], XCB_TAGS + ["variables"],
     xcb("iam:CreateAccessKey", "arn:aws:iam::111122223333:user/someone-else", IMPLICIT, "permissionsBoundary"))
case("doc-xcompany-boundary-sns-denied",
     "AWS delegation example: SNS is not in XCompanyBoundaries, so sns:Publish is implicitly denied by "
     "the boundary.",
     XCB_SRC, XCB_TAGS,
     xcb("sns:Publish", TOPIC, IMPLICIT, "permissionsBoundary"))
XCB_ARN = "arn:aws:iam::111122223333:policy/XCompanyBoundaries"
DUB = pol(
    allow(["iam:CreateUser", "iam:DeleteUserPolicy", "iam:AttachUserPolicy", "iam:DetachUserPolicy",
           "iam:PutUserPermissionsBoundary"],
          condition={"StringEquals": {"iam:PermissionsBoundary": XCB_ARN}}, sid="CreateOrChangeOnlyWithBoundary"),
    allow(["cloudwatch:*", "iam:GetUser", "iam:ListUsers", "iam:DeleteUser", "iam:UpdateUser",
           "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:GetAccountPasswordPolicy",
           "iam:GetLoginProfile", "iam:*Group*", "iam:CreatePolicy", "iam:DeletePolicy",
           "iam:DeletePolicyVersion", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetUserPolicy",
           "iam:GetRolePolicy", "iam:ListPolicies", "iam:ListPolicyVersions", "iam:ListEntitiesForPolicy",
           "iam:ListUserPolicies", "iam:ListAttachedUserPolicies", "iam:ListRolePolicies",
           "iam:ListAttachedRolePolicies", "iam:PutUserPolicy", "iam:SetDefaultPolicyVersion",
           "iam:SimulatePrincipalPolicy", "iam:SimulateCustomPolicy"], sid="CloudWatchAndOtherIAMTasks"),
    deny(["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
         [XCB_ARN, "arn:aws:iam::111122223333:policy/DelegatedUserBoundary"], sid="NoBoundaryPolicyEdit"),
    deny("iam:DeleteUserPermissionsBoundary", sid="NoBoundaryUserDelete"),
)
ZHANG = "arn:aws:iam::111122223333:user/Zhang"
DUP = pol(allow("iam:*", sid="IAM"))
DUB_SRC = [BOUND_DELEGATE]


def zhang(action, resource, decision, denied_by=None, context=None):
    return step(ev(ZHANG, action, resource, identityPolicies=[DUP], permissionsBoundary=DUB, context=context),
                decision, denied_by)


case("doc-zhang-createuser-with-boundary-allowed",
     "AWS delegation example (account ids unified to 111122223333): Zhang may create a user only with "
     "XCompanyBoundaries as its boundary; with iam:PermissionsBoundary set to it, allowed.",
     DUB_SRC + [OPS], XCB_TAGS + ["condition:StringEquals"],
     zhang("iam:CreateUser", "arn:aws:iam::111122223333:user/new-hire", ALLOWED,
           context={"iam:PermissionsBoundary": XCB_ARN}))
case("doc-zhang-createuser-without-boundary-denied",
     "AWS delegation example: without the iam:PermissionsBoundary key the CreateOrChangeOnlyWithBoundary "
     "Allow does not apply, so Zhang's boundary does not allow iam:CreateUser.",
     DUB_SRC + [OPS], XCB_TAGS + ["condition:StringEquals"],
     zhang("iam:CreateUser", "arn:aws:iam::111122223333:user/new-hire", IMPLICIT, "permissionsBoundary"))
case("doc-zhang-deleteuserpermissionsboundary-denied",
     "AWS delegation example: NoBoundaryUserDelete denies Zhang iam:DeleteUserPermissionsBoundary.",
     DUB_SRC, XCB_TAGS + ["explicit-deny"],
     zhang("iam:DeleteUserPermissionsBoundary", ZHANG, EXPLICIT, "permissionsBoundary"))
case("doc-zhang-edit-boundary-policy-denied",
     "AWS delegation example: NoBoundaryPolicyEdit denies Zhang iam:CreatePolicyVersion on "
     "XCompanyBoundaries.",
     DUB_SRC, XCB_TAGS + ["explicit-deny"],
     zhang("iam:CreatePolicyVersion", XCB_ARN, EXPLICIT, "permissionsBoundary"))
case("doc-zhang-createpolicy-allowed",
     "AWS delegation example: iam:CreatePolicy is in CloudWatchAndOtherIAMTasks and allowed by his "
     "iam:* permissions policy.",
     DUB_SRC, XCB_TAGS,
     zhang("iam:CreatePolicy", "arn:aws:iam::111122223333:policy/team-policy", ALLOWED))
case("boundary-identity-session-triple-intersection-allowed",
     "Identity s3:*, boundary s3:Get*, session policy s3:GetObject: s3:GetObject is in all three and "
     "allowed (R10.4).",
     [SESS, BOUND], ["boundary", "session-policy"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             permissionsBoundary=pol(allow("s3:Get*")), sessionPolicies=[pol(allow("s3:GetObject"))]), ALLOWED))
case("boundary-identity-session-triple-intersection-session-denies",
     "Identity s3:*, boundary s3:Get*, session policy s3:GetObject: s3:GetBucketPolicy passes identity "
     "and boundary but not the session policy.",
     [SESS, BOUND], ["boundary", "session-policy"],
     step(ev(SESSION, "s3:GetBucketPolicy", BUCKET, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             permissionsBoundary=pol(allow("s3:Get*")), sessionPolicies=[pol(allow("s3:GetObject"))]),
          IMPLICIT, "sessionPolicy"))
case("boundary-identity-session-triple-intersection-boundary-denies",
     "Identity s3:*, boundary s3:Get*, session policy s3:*: s3:PutObject passes identity and session "
     "policy but not the boundary.",
     [SESS, BOUND], ["boundary", "session-policy"],
     step(ev(SESSION, "s3:PutObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             permissionsBoundary=pol(allow("s3:Get*")), sessionPolicies=[pol(allow("s3:*"))]),
          IMPLICIT, "permissionsBoundary"))

# ================================================================= 10. session policies (non-seed)
case("session-policy-cannot-grant",
     "A session policy cannot add permissions: it allows s3:*, the role's identity policy allows only "
     "s3:GetObject, so s3:PutObject is denied by the identity policy.",
     [SESS], ["session-policy"],
     step(ev(SESSION, "s3:PutObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:GetObject"))],
             sessionPolicies=[pol(allow("s3:*"))]), IMPLICIT, "identityPolicy"))
case("session-policy-intersection-allowed",
     "Identity policy and session policy both allow s3:GetObject: allowed.",
     [SESS], ["session-policy"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             sessionPolicies=[pol(allow("s3:GetObject", BUCKET + "/reports/*"))]), ALLOWED))
case("session-policy-resource-scope",
     "A session policy limited to example-bucket/reports/* does not allow an object outside that "
     "prefix.",
     [SESS], ["session-policy", "resource-match"],
     step(ev(SESSION, "s3:GetObject", BUCKET + "/private/key.txt", resourceAccount=A1,
             identityPolicies=[pol(allow("s3:*"))],
             sessionPolicies=[pol(allow("s3:GetObject", BUCKET + "/reports/*"))]), IMPLICIT, "sessionPolicy"))

# ================================================================= 11. SCPs
SCP_SRC = [SCP_ALLOW, EVAL]
ONLY_EC2 = pol(allow("ec2:*"))
case("scp-full-access-every-level",
     "FullAWSAccess at root, OU and account: the identity policy decides; allowed.",
     SCP_SRC, ["scp"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             scps=[[FULL_AWS_ACCESS], [FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]), ALLOWED))
case("scp-missing-allow-at-ou",
     "The OU level's SCPs allow only EC2: s3:GetObject is denied even though root and account allow "
     "everything and no SCP has a Deny (R9.1).",
     SCP_SRC, ["scp"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             scps=[[FULL_AWS_ACCESS], [ONLY_EC2], [FULL_AWS_ACCESS]]), IMPLICIT, "scp"))
case("scp-missing-allow-at-account",
     "The account level's SCP allows only EC2: s3:GetObject is denied by the SCPs.",
     SCP_SRC, ["scp"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[ADMIN],
             scps=[[FULL_AWS_ACCESS], [ONLY_EC2]]), IMPLICIT, "scp"))
case("scp-intersection-of-levels-allowed",
     "Root allows s3:* and ec2:*, OU allows s3:*, account allows s3:GetObject: s3:GetObject is "
     "allowed at every level.",
     SCP_SRC, ["scp"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[ADMIN],
             scps=[[pol(allow(["s3:*", "ec2:*"]))], [pol(allow("s3:*"))], [pol(allow("s3:GetObject"))]]),
          ALLOWED))
case("scp-intersection-of-levels-put-denied",
     "Same levels: s3:PutObject is allowed at root and OU but not at the account level.",
     SCP_SRC, ["scp"],
     step(ev(ALICE, "s3:PutObject", OBJ, resourceAccount=A1, identityPolicies=[ADMIN],
             scps=[[pol(allow(["s3:*", "ec2:*"]))], [pol(allow("s3:*"))], [pol(allow("s3:GetObject"))]]),
          IMPLICIT, "scp"))
case("scp-intersection-of-levels-ec2-denied",
     "Same levels: ec2:DescribeInstances is allowed at the root only.",
     SCP_SRC, ["scp"],
     step(ev(ALICE, "ec2:DescribeInstances", "*", identityPolicies=[ADMIN],
             scps=[[pol(allow(["s3:*", "ec2:*"]))], [pol(allow("s3:*"))], [pol(allow("s3:GetObject"))]]),
          IMPLICIT, "scp"))
case("scp-several-policies-one-level-or",
     "Several SCPs attached to one level are OR'ed: the OU has one SCP for EC2 and one for S3; "
     "s3:GetObject passes.",
     SCP_SRC, ["scp"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[ADMIN],
             scps=[[FULL_AWS_ACCESS], [ONLY_EC2, pol(allow("s3:*"))], [FULL_AWS_ACCESS]]), ALLOWED))
case("scp-deny-at-root",
     "A Deny in an SCP at the root applies to every account below it: s3:DeleteBucket explicitly "
     "denied.",
     [SCP_DENY, EVAL], ["scp", "explicit-deny"],
     step(ev(ALICE, "s3:DeleteBucket", BUCKET, resourceAccount=A1, identityPolicies=[ADMIN],
             scps=[[FULL_AWS_ACCESS, pol(deny("s3:DeleteBucket"))], [FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]),
          EXPLICIT, "scp"))
case("scp-deny-at-account-level",
     "A Deny in the SCP attached to the account itself denies despite FullAWSAccess elsewhere.",
     [SCP_DENY, EVAL], ["scp", "explicit-deny"],
     step(ev(ALICE, "iam:CreateUser", BOB, identityPolicies=[ADMIN],
             scps=[[FULL_AWS_ACCESS], [FULL_AWS_ACCESS, pol(deny("iam:CreateUser"))]]), EXPLICIT, "scp"))
REGION_SCP = pol(st("Deny", "*", "*", condition={"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}))
case("scp-region-deny-outside-region",
     "An SCP denying requests whose aws:RequestedRegion is not us-east-1/us-west-2 denies a request "
     "to eu-west-1.",
     [SCP_DENY, K_REGION, OPS], ["scp", "explicit-deny", "condition:StringNotEquals"],
     step(ev(ALICE, "ec2:RunInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/*", identityPolicies=[ADMIN],
             context={"aws:RequestedRegion": "eu-west-1"}, scps=[[FULL_AWS_ACCESS, REGION_SCP]]),
          EXPLICIT, "scp"))
case("scp-region-deny-inside-region",
     "The same region SCP lets a us-east-1 request through (the negated operator's values NOR).",
     [SCP_DENY, K_REGION, OPS], ["scp", "condition:StringNotEquals"],
     step(ev(ALICE, "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", identityPolicies=[ADMIN],
             context={"aws:RequestedRegion": "us-east-1"}, scps=[[FULL_AWS_ACCESS, REGION_SCP]]), ALLOWED))
case("scp-does-not-grant",
     "SCPs never grant: FullAWSAccess at every level and no identity policy: implicit deny by the "
     "identity policy.",
     [SCP_EFFECTS, EVAL], ["scp", "default-deny"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, scps=[[FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]),
          IMPLICIT, "identityPolicy"))
case("scp-limits-same-account-resource-policy-grant",
     "SCPs also cap permissions granted by resource-based policies: a bucket policy naming the user, "
     "but the account's SCP allows only EC2.",
     [SCP_EFFECTS, EVAL], ["scp", "resource-policy", "same-account"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(ALICE))),
             scps=[[FULL_AWS_ACCESS], [ONLY_EC2]]), IMPLICIT, "scp"))
ADMIN_EXEMPT_SCP = pol(st("Deny", "iam:*", "*", condition={"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}}))
case("scp-principalarn-exempt-role-allowed",
     "An SCP denying IAM actions unless aws:PrincipalArn is like arn:aws:iam::*:role/admin-*: a session "
     "of role admin-ops is exempt because its aws:PrincipalArn is the role ARN.",
     [SCP_DENY, K_PRINCIPALARN, OPS], ["scp", "derived-key", "condition:ArnNotLike"],
     step(ev("arn:aws:sts::111122223333:assumed-role/admin-ops/jane", "iam:CreateRole",
             "arn:aws:iam::111122223333:role/new-role", identityPolicies=[ADMIN],
             scps=[[FULL_AWS_ACCESS, ADMIN_EXEMPT_SCP]]), ALLOWED))
case("scp-principalarn-other-role-denied",
     "The same SCP denies a session of a role whose name does not start with admin-.",
     [SCP_DENY, K_PRINCIPALARN, OPS], ["scp", "derived-key", "condition:ArnNotLike", "explicit-deny"],
     step(ev(SESSION, "iam:CreateRole", "arn:aws:iam::111122223333:role/new-role", identityPolicies=[ADMIN],
             scps=[[FULL_AWS_ACCESS, ADMIN_EXEMPT_SCP]]), EXPLICIT, "scp"))
case("scp-cross-account-principal-side-deny",
     "Cross-account: SCPs follow the caller's account; an SCP Deny on s3:* there denies access to a "
     "bucket in another account whose policy allows the caller (R8.3).",
     [SCP_DENY, XACCT], ["scp", "cross-account", "explicit-deny"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:*"))],
             resourcePolicy=xbp(aws(XU)), scps=[[FULL_AWS_ACCESS, pol(deny("s3:*"))]]), EXPLICIT, "scp"))
case("scp-on-role-session",
     "SCPs apply to role sessions in member accounts: a role session with AdministratorAccess is "
     "denied by an SCP level that allows only EC2.",
     SCP_SRC, ["scp", "principal:session"],
     step(ev(SESSION, "sqs:ListQueues", "*", identityPolicies=[ADMIN], scps=[[FULL_AWS_ACCESS], [ONLY_EC2]]),
          IMPLICIT, "scp"))

# ================================================================= 12. RCPs
RCP_SRC = [RCP_EVAL, EVAL]
SECURE_RCP = pol(st("Deny", ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:*"], "*", principal="*",
                    condition={"BoolIfExists": {"aws:SecureTransport": "false"}}, sid="EnforceSecureTransport"))
case("rcp-full-access-only",
     "RCPFullAWSAccess at every level: RCPs do not change the outcome; the identity policy allows.",
     RCP_SRC, ["rcp"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             rcps=[[RCP_FULL_AWS_ACCESS], [RCP_FULL_AWS_ACCESS]]), ALLOWED))
case("rcp-deny-insecure-transport",
     "An RCP denying S3 access when aws:SecureTransport is false (AWS RCP example shape) denies an "
     "HTTP request.",
     RCP_SRC + [RCP_EXAMPLES, K_SECURE], ["rcp", "explicit-deny", "condition:BoolIfExists"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             context={"aws:SecureTransport": False},
             rcps=[[RCP_FULL_AWS_ACCESS], [RCP_FULL_AWS_ACCESS, SECURE_RCP]]), EXPLICIT, "rcp"))
case("rcp-secure-transport-passes",
     "The same RCP lets an HTTPS request (aws:SecureTransport true) through.",
     RCP_SRC + [RCP_EXAMPLES, K_SECURE], ["rcp", "condition:BoolIfExists"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             context={"aws:SecureTransport": True},
             rcps=[[RCP_FULL_AWS_ACCESS], [RCP_FULL_AWS_ACCESS, SECURE_RCP]]), ALLOWED))
case("rcp-implicit-full-access",
     "A level listing only a custom Deny RCP (no RCPFullAWSAccess document) behaves as if "
     "RCPFullAWSAccess were attached, since AWS never lets it be detached: a request the Deny does not "
     "match is allowed.",
     RCP_SRC + [K_SECURE], ["rcp"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             context={"aws:SecureTransport": True}, rcps=[[SECURE_RCP]]), ALLOWED))
case("rcp-does-not-grant",
     "RCPs never grant: RCPFullAWSAccess and no identity policy: implicit deny by the identity policy.",
     [RCP_EFFECTS, EVAL], ["rcp", "default-deny"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, rcps=[[RCP_FULL_AWS_ACCESS]]),
          IMPLICIT, "identityPolicy"))
ORG_RCP = pol(st("Deny", ["s3:*", "sqs:*"], "*", principal="*", sid="EnforceOrgIdentities",
                 condition={"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}))
case("rcp-external-principal-denied",
     "Cross-account: an RCP in the resource's organization denies principals outside o-a1b2c3d4e5; the "
     "caller's account is not in an organization (aws:PrincipalOrgID absent, so the IfExists test is "
     "true) and is denied although bucket policy and identity policy allow (R8.3).",
     RCP_SRC + [RCP_EXAMPLES, K_ORGID, XACCT], ["rcp", "cross-account", "explicit-deny",
                                                "condition:StringNotEqualsIfExists"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:*"))],
             resourcePolicy=xbp(aws(XU)), rcps=[[RCP_FULL_AWS_ACCESS, ORG_RCP]]), EXPLICIT, "rcp"))
case("rcp-org-principal-allowed",
     "The same RCP lets a caller whose aws:PrincipalOrgID is o-a1b2c3d4e5 through.",
     RCP_SRC + [RCP_EXAMPLES, K_ORGID, XACCT], ["rcp", "cross-account", "condition:StringNotEqualsIfExists"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:*"))],
             resourcePolicy=xbp(aws(XU)), context={"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
             rcps=[[RCP_FULL_AWS_ACCESS, ORG_RCP]]), ALLOWED))
case("rcp-cross-account-no-resource-policy",
     "Cross-account: RCPFullAWSAccess does not stand in for a resource policy; without a bucket "
     "policy allowing the caller the resource account denies.",
     [RCP_EFFECTS, XACCT], ["rcp", "cross-account"],
     step(ev(XU, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:*"))],
             rcps=[[RCP_FULL_AWS_ACCESS]]), IMPLICIT, "resourcePolicy"))
case("rcp-deny-on-role-session-same-account",
     "An RCP Deny at the account level applies to a role session of the same account too.",
     RCP_SRC, ["rcp", "explicit-deny", "principal:session"],
     step(ev(SESSION, "sqs:DeleteQueue", "arn:aws:sqs:us-east-1:111122223333:example-queue",
             identityPolicies=[ADMIN],
             rcps=[[RCP_FULL_AWS_ACCESS], [RCP_FULL_AWS_ACCESS, pol(st("Deny", "sqs:DeleteQueue", "*", principal="*"))]]),
          EXPLICIT, "rcp"))

# ================================================================= 13. account root user
ROOT_SRC = [EVAL, ROOTPOL]
case("root-no-policies-allowed",
     "The account root user has full access by default: no identity policy is needed (R6.1).",
     ROOT_SRC, ["root"],
     step(ev(ROOT1, "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*"), ALLOWED))
case("root-own-bucket-allowed",
     "The root user can read an object in its own account's bucket without any policy.",
     ROOT_SRC, ["root"],
     step(ev(ROOT1, "s3:GetObject", OBJ, resourceAccount=A1), ALLOWED))
case("root-scp-full-access-allowed",
     "Root of a member account with FullAWSAccess at every level: allowed.",
     ROOT_SRC + [SCP_ALLOW], ["root", "scp"],
     step(ev(ROOT1, "iam:CreateUser", BOB, scps=[[FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]), ALLOWED))
case("root-scp-explicit-deny",
     "SCPs apply to the root user of a member account: an SCP Deny on iam:CreateUser denies root.",
     ROOT_SRC + [SCP_DENY], ["root", "scp", "explicit-deny"],
     step(ev(ROOT1, "iam:CreateUser", BOB, scps=[[FULL_AWS_ACCESS, pol(deny("iam:CreateUser"))], [FULL_AWS_ACCESS]]),
          EXPLICIT, "scp"))
case("root-scp-missing-allow",
     "SCPs restrict the member-account root user: an account level allowing only EC2 denies "
     "s3:GetObject.",
     ROOT_SRC + [SCP_ALLOW], ["root", "scp"],
     step(ev(ROOT1, "s3:GetObject", OBJ, resourceAccount=A1, scps=[[FULL_AWS_ACCESS], [ONLY_EC2]]),
          IMPLICIT, "scp"))
case("root-resource-policy-explicit-deny",
     "An explicit Deny in the bucket policy (Principal '*') denies the root user too.",
     ROOT_SRC + [S3_PUTBUCKETPOLICY], ["root", "resource-policy", "explicit-deny"],
     step(ev(ROOT1, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Deny", "s3:GetObject", BUCKET + "/*", principal="*"))),
          EXPLICIT, "resourcePolicy"))
case("root-resource-policy-deny-by-principalarn",
     "A bucket-policy Deny conditioned on aws:PrincipalArn = arn:aws:iam::111122223333:root targets "
     "exactly the root user (its aws:PrincipalArn is the root ARN).",
     ROOT_SRC + [K_PRINCIPALARN], ["root", "resource-policy", "explicit-deny", "derived-key"],
     step(ev(ROOT1, "s3:PutObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Deny", "s3:*", BUCKET + "/*", principal="*",
                                   condition={"ArnEquals": {"aws:PrincipalArn": ROOT1}}))),
          EXPLICIT, "resourcePolicy"))
case("root-principalarn-deny-does-not-hit-user",
     "The same root-only bucket-policy Deny does not apply to an IAM user of the account, whose "
     "aws:PrincipalArn is the user ARN.",
     [K_PRINCIPALARN, EVAL], ["resource-policy", "derived-key"],
     step(ev(ALICE, "s3:PutObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             resourcePolicy=pol(st("Deny", "s3:*", BUCKET + "/*", principal="*",
                                   condition={"ArnEquals": {"aws:PrincipalArn": ROOT1}}))), ALLOWED))
case("root-resource-policy-other-principal-allowed",
     "A bucket policy that only grants another user neither denies nor limits the root user.",
     ROOT_SRC, ["root", "resource-policy"],
     step(ev(ROOT1, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(BOB)))), ALLOWED))
case("root-putbucketpolicy-lockout-exception",
     "The S3 API reference says the bucket owner's root user can call PutBucketPolicy even if the "
     "bucket policy explicitly denies it (only SCPs/RCPs and VPC endpoint policies can block it). "
     "Uncertain: an S3-specific exception outside the documented general decision procedure.",
     [S3_PUTBUCKETPOLICY], ["root", "resource-policy", "service-specific", "uncertain"],
     step(ev(ROOT1, "s3:PutBucketPolicy", BUCKET, resourceAccount=A1,
             resourcePolicy=pol(st("Deny", "s3:*", [BUCKET, BUCKET + "/*"], principal="*"))), ALLOWED))
case("root-rcp-explicit-deny",
     "RCPs apply to requests by the root user (R8.3): an RCP Deny on s3:DeleteObject denies root.",
     [RCP_EFFECTS, RCP_EVAL], ["root", "rcp", "explicit-deny"],
     step(ev(ROOT1, "s3:DeleteObject", OBJ, resourceAccount=A1,
             rcps=[[RCP_FULL_AWS_ACCESS, pol(st("Deny", "s3:DeleteObject", "*", principal="*"))]]),
          EXPLICIT, "rcp"))
case("root-cross-account-needs-resource-policy",
     "Root's full access covers its own account only; a bucket in another account with no bucket "
     "policy allowing it is denied by the resource account (R8.1).",
     [XACCT, EVAL], ["root", "cross-account"],
     step(ev(ROOT1, "s3:GetObject", XOBJ, resourceAccount=A2), IMPLICIT, "resourcePolicy"))
case("root-cross-account-with-resource-policy",
     "Cross-account: a bucket policy naming the root user's account allows the root user, whose own "
     "account side needs no identity policy.",
     [XACCT, EVAL, PRIN_ACCT], ["root", "cross-account", "principal:account"],
     step(ev(ROOT1, "s3:GetObject", XOBJ, resourceAccount=A2, resourcePolicy=xbp(aws(A1))), ALLOWED))

# ================================================================= 14. federated users (GetFederationToken)
FED_SRC = [EVAL, GFT, SESS]
case("federated-user-no-session-policy-denied",
     "A federated-user session from GetFederationToken with no session policy has no permissions even "
     "though the federating user's identity policy allows (R6.9).",
     FED_SRC, ["federated-user", "session-policy"],
     step(ev(FED, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))]),
          IMPLICIT, "sessionPolicy"))
case("federated-user-session-policy-allows",
     "Federated-user session whose session policy and the federating user's identity policy both "
     "allow s3:GetObject: allowed.",
     FED_SRC, ["federated-user", "session-policy"],
     step(ev(FED, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             sessionPolicies=[pol(allow("s3:GetObject"))]), ALLOWED))
case("federated-user-session-policy-other-action",
     "Federated-user session: the session policy allows only s3:GetObject, so s3:PutObject is denied.",
     FED_SRC, ["federated-user", "session-policy"],
     step(ev(FED, "s3:PutObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             sessionPolicies=[pol(allow("s3:GetObject"))]), IMPLICIT, "sessionPolicy"))
case("federated-user-identity-does-not-allow",
     "Federated-user session: the session policy allows s3:*, but the federating user's identity "
     "policy allows only EC2; the session policy cannot add permissions.",
     FED_SRC, ["federated-user", "session-policy"],
     step(ev(FED, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("ec2:*"))],
             sessionPolicies=[pol(allow("s3:*"))]), IMPLICIT, "identityPolicy"))
case("federated-user-rbp-names-session",
     "Federated-user session without session policy: a bucket policy naming the federated-user ARN "
     "grants directly to the session (R7.5).",
     FED_SRC + [PRIN_FED], ["federated-user", "resource-policy", "same-account", "principal:federated-user"],
     step(ev(FED, "s3:GetObject", OBJ, resourceAccount=A1,
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(FED)))), ALLOWED))
case("federated-user-rbp-names-session-explicit-deny",
     "A bucket policy naming the federated-user ARN is still overridden by an explicit Deny in the "
     "session policy.",
     FED_SRC + [PRIN_FED], ["federated-user", "resource-policy", "session-policy", "explicit-deny"],
     step(ev(FED, "s3:GetObject", OBJ, resourceAccount=A1, sessionPolicies=[pol(allow("*"), deny("s3:GetObject"))],
             resourcePolicy=pol(st("Allow", "s3:GetObject", BUCKET + "/*", principal=aws(FED)))),
          EXPLICIT, "sessionPolicy"))
case("federated-user-identity-explicit-deny",
     "Federated-user session: an explicit Deny in the federating user's identity policy overrides "
     "the session policy's Allow.",
     FED_SRC, ["federated-user", "explicit-deny"],
     step(ev(FED, "s3:DeleteObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(allow("s3:*"), deny("s3:DeleteObject"))], sessionPolicies=[pol(allow("s3:*"))]),
          EXPLICIT, "identityPolicy"))
case("federated-user-cross-account",
     "Cross-account federated user: bucket policy in 444455556666 names the federated-user ARN and the "
     "session and identity policies allow: allowed.",
     FED_SRC + [XACCT, PRIN_FED], ["federated-user", "cross-account", "resource-policy"],
     step(ev(FED, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:*"))],
             sessionPolicies=[pol(allow("s3:GetObject"))], resourcePolicy=xbp(aws(FED))), ALLOWED))
case("federated-user-cross-account-no-session-policy",
     "Cross-account federated user without a session policy: the resource account allows it, but "
     "the caller's account side has no permissions (R8.1, R6.9).",
     FED_SRC + [XACCT], ["federated-user", "cross-account", "session-policy"],
     step(ev(FED, "s3:GetObject", XOBJ, resourceAccount=A2, identityPolicies=[pol(allow("s3:*"))],
             resourcePolicy=xbp(aws(FED))), IMPLICIT, "sessionPolicy"))

# ================================================================= 15. derived keys and variables
HOME = pol(allow("s3:GetObject", BUCKET + "/home/${aws:username}/*"))
case("variable-username-own-prefix",
     "${aws:username} in Resource resolves to the IAM user's name: alice may read home/alice/*.",
     [VARS, K_USERNAME], ["variables", "derived-key"],
     step(ev(ALICE, "s3:GetObject", BUCKET + "/home/alice/notes.txt", resourceAccount=A1, identityPolicies=[HOME]),
          ALLOWED))
case("variable-username-other-prefix",
     "${aws:username} resolves to alice, so home/bob/* is not covered.",
     [VARS, K_USERNAME], ["variables", "derived-key"],
     step(ev(ALICE, "s3:GetObject", BUCKET + "/home/bob/notes.txt", resourceAccount=A1, identityPolicies=[HOME]),
          IMPLICIT, "identityPolicy"))
case("variable-username-absent-for-role-session",
     "aws:username does not exist for role sessions, so a Resource with ${aws:username} matches "
     "nothing for them (R4.5, R4.6).",
     [VARS, K_USERNAME], ["variables", "derived-key", "principal:session"],
     step(ev(SESSION, "s3:GetObject", BUCKET + "/home/example-role/notes.txt", resourceAccount=A1,
             identityPolicies=[HOME]), IMPLICIT, "identityPolicy"))
case("principalarn-identity-condition-role-arn",
     "An identity-policy condition ArnEquals aws:PrincipalArn = the role ARN holds for the role's "
     "session.",
     [K_PRINCIPALARN, OPS], ["derived-key", "identity", "condition:ArnEquals"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(allow("s3:GetObject", condition=PARN_COND))]), ALLOWED))
case("principalarn-identity-condition-session-arn",
     "An identity-policy condition StringEquals aws:PrincipalArn = the session ARN never holds: the "
     "key carries the role ARN.",
     [K_PRINCIPALARN, OPS], ["derived-key", "identity", "condition:StringEquals"],
     step(ev(SESSION, "s3:GetObject", OBJ, resourceAccount=A1,
             identityPolicies=[pol(allow("s3:GetObject", condition={"StringEquals": {"aws:PrincipalArn": SESSION}}))]),
          IMPLICIT, "identityPolicy"))
case("principalarn-user",
     "For an IAM user aws:PrincipalArn is the user ARN: a bucket-policy Deny for every principal whose "
     "aws:PrincipalArn is not alice's denies bob.",
     [K_PRINCIPALARN, BOUND_TOP], ["derived-key", "resource-policy", "explicit-deny", "condition:ArnNotEquals"],
     step(ev(BOB, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             resourcePolicy=pol(st("Deny", "s3:*", BUCKET + "/*", principal="*",
                                   condition={"ArnNotEquals": {"aws:PrincipalArn": ALICE}}))),
          EXPLICIT, "resourcePolicy"))
case("principalarn-user-exempt",
     "The same ArnNotEquals aws:PrincipalArn Deny spares alice herself, whose identity policy allows.",
     [K_PRINCIPALARN, BOUND_TOP], ["derived-key", "resource-policy", "condition:ArnNotEquals"],
     step(ev(ALICE, "s3:GetObject", OBJ, resourceAccount=A1, identityPolicies=[pol(allow("s3:*"))],
             resourcePolicy=pol(st("Deny", "s3:*", BUCKET + "/*", principal="*",
                                   condition={"ArnNotEquals": {"aws:PrincipalArn": ALICE}}))), ALLOWED))


# ================================================================= write
def main():
    os.makedirs(OUT, exist_ok=True)
    names = set()
    written = []
    for i, (name, body) in enumerate(CASES, start=1):
        assert name not in names, name
        names.add(name)
        fn = "%03d-%s.json" % (i, name)
        path = os.path.join(OUT, fn)
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        json.load(open(path, encoding="utf-8"))  # validate
        written.append(fn)
    stale = sorted(set(f for f in os.listdir(OUT) if f.endswith(".json")) - set(written))
    if stale:
        print("warning: files not produced by this script: %s" % ", ".join(stale), file=sys.stderr)
    print("wrote %d cases to %s" % (len(written), OUT))


if __name__ == "__main__":
    main()
