"""Harness-protocol adapter for moto (PyPI `moto`, pinned in requirements.txt).

What is asked of moto, through its own classes (none of its code is copied):

- parse steps of type identity or boundary: moto.iam.policy_validation.
  IAMPolicyDocumentValidator (what moto's CreatePolicy, PutUserPolicy and
  PutRolePermissionsBoundary run); type trust: IAMTrustPolicyDocumentValidator (what
  CreateRole runs). valid is true when validate() returns, false when it raises
  MalformedPolicyDocument; moto's messages do not name the rule the way errorKind does,
  so errorKind is left out (the message is passed as `detail`). Other types are skipped:
  moto does not validate session policies, resource policies, SCPs or RCPs with them.
- evaluate steps with identity policies only: moto.iam.access_control.IAMPolicy, the
  statement evaluation moto's request authorization runs for every identity policy
  (check_action_permitted): a policy that answers DENIED stops with a denial, one that
  answers PERMITTED allows. DENIED is reported as explicitDeny, neither as
  implicitDeny, PERMITTED as allowed. moto lets sts:GetCallerIdentity through before
  looking at any policy, and so does this adapter. moto's authorization passes no
  request context to identity policies; here the case's context is passed as
  incoming_condition_values (the argument the statement evaluation takes), which is
  the most moto can use of it. deniedBy is left out (moto has one layer).
  Skipped: any other policy layer (resource policy, boundary, session policies, SCPs,
  RCPs); principals other than IAM users and role sessions (moto authenticates only
  those); a resource in another account than the caller's (moto has no resource
  accounts); actions whose resource policy must allow (sts:AssumeRole on a role, kms on
  a key), which moto checks only against roles in its own backend; multivalued context
  keys (its conditions take one string per key).
- Everything else (request, assumeRole, STS steps): skipped, moto's STS needs its
  mocked backend, which a case does not describe.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import harness  # noqa: E402
from harness import Skip  # noqa: E402

try:
    from importlib.metadata import version as dist_version

    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.iam.exceptions import MalformedPolicyDocument
    from moto.iam.policy_validation import IAMPolicyDocumentValidator, IAMTrustPolicyDocumentValidator
except ImportError as e:
    sys.stderr.write(f"moto adapter: cannot import moto ({e}); run scripts/adapters/setup.sh moto\n")
    sys.exit(3)

VALIDATORS = {
    "identity": IAMPolicyDocumentValidator,
    "boundary": IAMPolicyDocumentValidator,
    "trust": IAMTrustPolicyDocumentValidator,
}


def parse(p, _case, _step, _state):
    validator = VALIDATORS.get(p.get("type"))
    if validator is None:
        raise Skip(f"moto validates no {p.get('type')} policies")
    try:
        validator(harness.policy_text(p.get("policy"))).validate()
    except MalformedPolicyDocument as e:
        return {"valid": False, "detail": e.message if hasattr(e, "message") else str(e)}
    return {"valid": True}


def principal_kind(arn):
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    if len(parts) != 6:
        return None
    service, resource = parts[2], parts[5]
    if service == "iam" and resource.startswith("user/"):
        return "user"
    if service == "sts" and resource.startswith("assumed-role/"):
        return "role-session"
    return None


def needs_resource_policy(action, resource):
    parts = resource.split(":", 5)
    if len(parts) != 6:
        return False
    a = action.lower()
    if a.startswith("kms:") and parts[2] == "kms" and parts[5].startswith("key/"):
        return True
    return a.startswith("sts:") and parts[2] == "iam" and parts[5].startswith("role/")


def evaluate(e, _case, _step, _state):
    harness.only_keys(
        e, {"principal", "action", "resource", "resourceAccount", "context", "identityPolicies"}, "moto's authorization"
    )
    principal, action, resource = e.get("principal", ""), e.get("action", ""), e.get("resource", "")
    if principal_kind(principal) is None:
        raise Skip("moto authorizes only IAM users and role sessions")
    if harness.resource_account(e) != harness.arn_account(principal):
        raise Skip("moto has no resource accounts (cross-account requests need a resource policy)")
    if needs_resource_policy(action, resource):
        raise Skip("the trust or key policy must allow, which moto checks only against its own backend")
    context = harness.context_strings(e.get("context"))
    if any(isinstance(v, list) for v in context.values()):
        raise Skip("moto's conditions take one string per context key")
    if action == "sts:GetCallerIdentity":
        return {"decision": "allowed"}
    permitted = False
    for policy in e.get("identityPolicies") or []:
        result = IAMPolicy(harness.policy_text(policy)).is_action_permitted(action, resource, None, context)
        if result == PermissionResult.DENIED:
            return {"decision": "explicitDeny"}
        if result == PermissionResult.PERMITTED:
            permitted = True
    return {"decision": "allowed" if permitted else "implicitDeny"}


if __name__ == "__main__":
    harness.serve(
        {"name": "moto", "version": dist_version("moto"), "language": "python"},
        ["evaluate", "parse"],
        {"evaluate": evaluate, "parse": parse},
    )
