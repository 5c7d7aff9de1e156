"""Harness-protocol adapter for Principal Mapper (PyPI `principalmapper`, pinned in
requirements.txt), through its local policy simulation:
principalmapper.querying.query_interface.local_check_authorization_full, which runs
the statement matching of principalmapper.querying.local_policy_simulation over the
layers it models (identity policies, group policies, permissions boundary, one session
policy, a resource policy with its owner's account, SCP levels). None of its code is
copied here.

The decision: local_check_authorization_full answers a bool. Which check stopped a
request it says in its debug log ("Explicit Deny: SCPs", "Implicit Deny: Permission
Boundary", ...); the adapter reads that line and maps it to decision and deniedBy
(LOG_DECISIONS). A denial whose log line is missing or unknown gets neither field:
the step is answered with nothing the runner could compare, so it is skipped.

Principal Mapper 1.1.5 does not import on Python 3.10 and later
(`from collections import Mapping`): the adapter puts the two aliases back
(collections.Mapping, collections.MutableMapping -> collections.abc) before importing.

Steps:
- evaluate: principals that are IAM users or role sessions (a session is its role's
  node, as Principal Mapper models it). Skipped: RCPs; more than one session policy;
  a session policy on an IAM user; root users, federated users, services; policies
  naming aws:userid without the case giving it (Principal Mapper would infer it from a
  unique ID the case does not have).
- request and assumeRole against the world: IAM users (inline, managed and group
  policies, boundary, tags) and sessions saved by an earlier assumeRole step; roles'
  trust policies as the resource policy of sts:AssumeRole; resources' policies; the
  organization's SCP levels. Skipped: RCPs in the organization; role chaining
  (assumeRole from a session); AssumeRole with tags, source identity or MFA (they need
  authorizations Principal Mapper does not check); sessions with several session
  policies. Principal Mapper issues no session, so `session` and `error` are left out.
- parse and the v1.1 STS steps: skipped.
"""

import collections
import collections.abc
import json
import logging
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import harness  # noqa: E402
from harness import Skip  # noqa: E402

for _name in ("Mapping", "MutableMapping"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

try:
    from importlib.metadata import version as dist_version

    from principalmapper.common import Group, Node, Policy
    from principalmapper.querying import query_interface
except ImportError as e:
    sys.stderr.write(f"principalmapper adapter: cannot import it ({e}); run scripts/adapters/setup.sh principalmapper\n")
    sys.exit(3)

# Principal Mapper's debug lines (query_interface.local_check_authorization_full).
LOG_DECISIONS = {
    "Explicit Deny: Principal's attached policies.": ("explicitDeny", "identityPolicy"),
    "Explicit Deny: Principal's IAM Group policies": ("explicitDeny", "identityPolicy"),
    "Explicit Deny: SCPs": ("explicitDeny", "scp"),
    "Explicit Deny: Resource Policy": ("explicitDeny", "resourcePolicy"),
    "Explict Deny: Session policy": ("explicitDeny", "sessionPolicy"),
    "Explicit Deny: Permission Boundary": ("explicitDeny", "permissionsBoundary"),
    "Implicit Deny: SCP group": ("implicitDeny", "scp"),
    "IAM/KMS Denial: RP must authorize even with same account": ("implicitDeny", "resourcePolicy"),
    "Cross-Account authorization denied": ("implicitDeny", "resourcePolicy"),
    "Implicit Deny: Permission Boundary": ("implicitDeny", "permissionsBoundary"),
    "Implicit Deny: Session Policy": ("implicitDeny", "sessionPolicy"),
    "Implicit Deny: Principal's Attached Policies": ("implicitDeny", "identityPolicy"),
}


class LastLine(logging.Handler):
    """Keeps the last debug line Principal Mapper's query interface logged."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.last = None

    def emit(self, record):
        self.last = record.getMessage()


LOG = LastLine()
_logger = logging.getLogger(query_interface.__name__)
_logger.setLevel(logging.DEBUG)
_logger.addHandler(LOG)
_logger.propagate = False


def is_trust(action, resource):
    """Whether the resource policy of this request is a role's trust policy, which the
    case format names `trustPolicy` in deniedBy."""
    parts = arn_parts(resource)
    return (parts is not None and action.lower().startswith("sts:") and parts[2] == "iam"
            and parts[5].startswith("role/"))


def decide(node, action, resource, context, resource_policy=None, resource_owner=None, scps=None, session=None):
    """Principal Mapper's answer, as result fields."""
    LOG.last = None
    allowed = query_interface.local_check_authorization_full(
        node, action, resource, context, resource_policy, resource_owner, scps, session
    )
    if allowed:
        return {"decision": "allowed"}
    mapped = LOG_DECISIONS.get(LOG.last or "")
    if mapped is None:
        raise Skip(f"Principal Mapper denied without saying which check ({LOG.last!r})")
    layer = "trustPolicy" if mapped[1] == "resourcePolicy" and is_trust(action, resource) else mapped[1]
    return {"decision": mapped[0], "deniedBy": layer}


def arn_parts(arn):
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    return parts if len(parts) == 6 and parts[0] == "arn" else None


def mentions_userid(*docs):
    return any("aws:userid" in json.dumps(d).lower() for d in docs if d is not None)


def policy_list(docs, owner):
    return [Policy(owner, f"p{i}", harness.policy_object(d)) for i, d in enumerate(docs or [])]


def check_context(context, docs, given_id):
    ctx = harness.context_strings(context)
    if not given_id and not any(k.lower() == "aws:userid" for k in ctx) and mentions_userid(*docs):
        raise Skip("a policy names aws:userid, which Principal Mapper infers from a unique ID the case does not give")
    return ctx


# ---------------------------------------------------------------------------------
# evaluate


def evaluate(e, _case, _step, _state):
    harness.only_keys(
        e,
        {"principal", "action", "resource", "resourceAccount", "context", "identityPolicies", "resourcePolicy",
         "permissionsBoundary", "sessionPolicies", "scps"},
        "Principal Mapper",
    )
    p = arn_parts(e.get("principal"))
    if p is None:
        raise Skip("the principal is not an ARN")
    partition, service, account, res = p[1], p[2], p[4], p[5]
    sessions = e.get("sessionPolicies")
    if service == "iam" and res.startswith("user/"):
        arn, trust = e["principal"], None
        if sessions is not None:
            raise Skip("Principal Mapper gives no IAM user a session policy")
    elif service == "sts" and res.startswith("assumed-role/") and res.count("/") >= 2:
        arn, trust = f"arn:{partition}:iam::{account}:role/{res.split('/')[1]}", {}
    else:
        raise Skip("Principal Mapper models IAM users and roles only")
    if sessions is not None and len(sessions) != 1:
        raise Skip("Principal Mapper takes one session policy")
    docs = list(e.get("identityPolicies") or []) + [e.get("resourcePolicy"), e.get("permissionsBoundary")]
    docs += list(sessions or []) + [d for level in e.get("scps") or [] for d in level]
    context = check_context(e.get("context"), docs, False)
    boundary = e.get("permissionsBoundary")
    node = Node(
        arn, "ADAPTERID", policy_list(e.get("identityPolicies"), arn), None, trust, None, 0, False, False,
        Policy(arn, "boundary", harness.policy_object(boundary)) if boundary is not None else None, False, None,
    )
    rp = e.get("resourcePolicy")
    if rp is None and is_trust(e.get("action", ""), e.get("resource", "")):
        # CORPUS-CONVENTIONS: every role has a trust policy, so an evaluate step on a
        # role without one means a trust policy that allows no one.
        rp = {"Version": "2012-10-17", "Statement": []}
    scps = e.get("scps")
    return decide(
        node, e.get("action", ""), e.get("resource", ""), context,
        harness.policy_object(rp) if rp is not None else None,
        harness.resource_account(e) if rp is not None else None,
        [policy_list(level, f"arn:{partition}:organizations::{account}:policy/scp") for level in scps] if scps else None,
        harness.policy_object(sessions[0]) if sessions else None,
    )


# ---------------------------------------------------------------------------------
# the world: request and assumeRole


def world_of(case):
    world = case.get("world") or {}
    if world.get("accountAuthorizationDetails"):
        raise Skip("the adapter does not translate accountAuthorizationDetails into Principal Mapper nodes")
    return world


def managed(world, arns):
    policies = world.get("policies") or {}
    out = []
    for arn in arns or []:
        if arn not in policies:
            raise Skip(f"the managed policy {arn} is not in the world")
        out.append(Policy(arn, arn.rsplit("/", 1)[-1], harness.policy_object(policies[arn])))
    return out


def attached(world, entity, arn):
    inline = [Policy(arn, name, harness.policy_object(d)) for name, d in (entity.get("inlinePolicies") or {}).items()]
    return inline + managed(world, entity.get("managedPolicies"))


def boundary_of(world, entity):
    b = entity.get("permissionsBoundary")
    return managed(world, [b])[0] if b else None


def user_node(world, arn):
    user = (world.get("users") or {}).get(arn)
    if user is None:
        raise Skip(f"{arn} is neither a user of the world nor a saved session")
    groups = []
    for g in user.get("groups") or []:
        group = (world.get("groups") or {}).get(g, {})
        groups.append(Group(g, attached(world, group, g)))
    return Node(arn, user.get("id") or "ADAPTERID", attached(world, user, arn), groups, None, None, 0, False, False,
                boundary_of(world, user), False, user.get("tags") or {}), bool(user.get("id"))


def role_node(world, arn):
    role = (world.get("roles") or {}).get(arn)
    if role is None:
        raise Skip(f"the role {arn} is not in the world")
    trust = harness.policy_object(role["trustPolicy"]) if role.get("trustPolicy") is not None else {}
    node = Node(arn, role.get("id") or "ADAPTERID", attached(world, role, arn), None, trust, None, 0, False, False,
                boundary_of(world, role), False, role.get("tags") or {})
    return node, role


def scp_levels(world, account):
    org = world.get("organization")
    if not org:
        return None
    if org.get("rcps"):
        raise Skip("Principal Mapper models no RCPs")
    path = (org.get("accounts") or {}).get(account)
    if path is None or account == org.get("managementAccount"):
        return None
    levels = []
    for level in list(path) + [account]:
        docs = (org.get("scps") or {}).get(level)
        if docs is None:
            docs = [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]
        levels.append([Policy(f"arn:aws:organizations::{account}:policy/{level}", level, harness.policy_object(d))
                       for d in docs])
    return levels


def caller(world, state, who):
    """(node, session policy or None, whether its unique ID is given)."""
    if who in state:
        saved = state[who]
        return saved["node"], saved["session"], saved["id"]
    node, has_id = user_node(world, who)
    return node, None, has_id


def request(r, case, _step, state):
    world = world_of(case)
    node, session, has_id = caller(world, state, r.get("as"))
    resource = r.get("resource", "")
    account = node.arn.split(":")[4]
    rp, owner = None, None
    res = (world.get("resources") or {}).get(resource)
    if res is None and resource.startswith("arn:aws:s3:::") and "/" in resource:
        res = (world.get("resources") or {}).get(resource.split("/", 1)[0])
    if res is not None and res.get("policy") is not None:
        rp = harness.policy_object(res["policy"])
        owner = res.get("account") or harness.arn_account(resource) or account
    role = (world.get("roles") or {}).get(resource)
    if rp is None and role is not None and role.get("trustPolicy") is not None:
        rp, owner = harness.policy_object(role["trustPolicy"]), harness.arn_account(resource)
    docs = [p.policy_doc for p in node.attached_policies] + [rp, session]
    context = check_context(r.get("context"), docs, has_id)
    return decide(node, r.get("action", ""), resource, context, rp, owner, scp_levels(world, account), session)


def assume_role(a, case, step, state):
    world = world_of(case)
    for key in ("tags", "transitiveTagKeys", "sourceIdentity", "serialNumber", "tokenCode"):
        if a.get(key) is not None:
            raise Skip(f"AssumeRole with {key} needs authorizations Principal Mapper does not check")
    if a.get("as") in state:
        raise Skip("Principal Mapper models no role chaining")
    node, has_id = user_node(world, a.get("as"))
    role_arn = a.get("roleArn", "")
    target, role = role_node(world, role_arn)
    trust = target.trust_policy
    context = dict(a.get("context") or {})
    if a.get("externalId") is not None:
        context["sts:ExternalId"] = a["externalId"]
    docs = [p.policy_doc for p in node.attached_policies] + [trust]
    ctx = check_context(context, docs, has_id)
    account = node.arn.split(":")[4]
    result = decide(node, "sts:AssumeRole", role_arn, ctx, trust, harness.arn_account(role_arn),
                    scp_levels(world, account), None)
    if step.get("saveAs") and result.get("decision") == "allowed":
        sessions = ([a["policy"]] if a.get("policy") is not None else []) + list(a.get("policyArns") or [])
        session = None
        if len(sessions) == 1:
            session = (harness.policy_object(a["policy"]) if a.get("policy") is not None
                       else managed(world, a["policyArns"])[0].policy_doc)
        if len(sessions) <= 1:
            state[step["saveAs"]] = {"node": target, "session": session, "id": bool(role.get("id"))}
    return result


def request_guard(r, case, step, state):
    if r.get("as") in state or (case.get("world") or {}).get("users", {}).get(r.get("as")) is not None:
        return request(r, case, step, state)
    raise Skip(f"{r.get('as')} is neither a user of the world nor a session Principal Mapper could make")


if __name__ == "__main__":
    harness.serve(
        {"name": "principalmapper", "version": dist_version("principalmapper"), "language": "python"},
        ["evaluate", "request", "assumeRole"],
        {"evaluate": evaluate, "request": request_guard, "assumeRole": assume_role},
    )
