"""Harness-protocol adapter for parliament (PyPI `parliament`, duo-labs; pinned in
requirements.txt), a linter for IAM policies.

parse steps of type identity, boundary and session (the identity-policy grammar
parliament is written for; it takes no policy type, so the rules that differ by type,
such as Principal being required in a resource policy, are not its to answer, and
resource, trust, SCP and RCP policies are skipped) go through
parliament.analyze_policy_string, without private or community auditors.

Which findings make a policy invalid: those parliament itself ranks CRITICAL or HIGH
in its config.yaml: MALFORMED_JSON, EXCEPTION (the audit could not go on), MALFORMED
(a missing or unknown element, a wrong shape) and DUPLICATE_SID. Every other finding
is ranked MEDIUM or LOW and is a warning about a policy AWS accepts, or may accept
(RESOURCE_STAR, UNKNOWN_ACTION, MISMATCHED_TYPE, RESOURCE_MISMATCH, ...): they are
passed as `detail` but do not make the policy invalid. Four MEDIUM findings name
something IAM rejects (INVALID_VERSION, UNKNOWN_OPERATOR, INVALID_ARN, and
MISMATCHED_TYPE_OPERATION_TO_NULL); they are kept MEDIUM as parliament ranks them, and
docs/MATRIX.md counts what that costs it. errorKind is left out: parliament's finding
names do not map one to one onto the case format's rules.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import harness  # noqa: E402
from harness import Skip  # noqa: E402

try:
    from importlib.metadata import version as dist_version

    import parliament
except ImportError as e:
    sys.stderr.write(f"parliament adapter: cannot import parliament ({e}); run scripts/adapters/setup.sh parliament\n")
    sys.exit(3)

TYPES = ("identity", "boundary", "session")
ERROR_SEVERITIES = ("CRITICAL", "HIGH")


def parse(p, _case, _step, _state):
    if p.get("type") not in TYPES:
        raise Skip(f"parliament takes no policy type; {p.get('type')} policies have rules of their own")
    policy = parliament.analyze_policy_string(harness.policy_text(p.get("policy")), ignore_private_auditors=True)
    findings = [parliament.enhance_finding(f) for f in policy.findings]
    errors = [f for f in findings if f.severity in ERROR_SEVERITIES]
    shown = "; ".join(f"{f.issue} ({f.severity}) {f.detail}".strip() for f in findings)
    out = {"valid": not errors}
    if shown:
        out["detail"] = shown[:500]
    return out


if __name__ == "__main__":
    harness.serve(
        {"name": "parliament", "version": dist_version("parliament"), "language": "python"},
        ["parse"],
        {"parse": parse},
    )
