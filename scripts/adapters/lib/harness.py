"""The harness protocol loop (CASE-FORMAT.md, "Running an implementation"), shared by
the Python adapters under scripts/adapters/.

An adapter gives its `implementation` object, the step kinds it answers and one
function per step kind; this module reads the runner's JSON lines, calls them and
writes the answers. A step function returns the result fields it can give (a dict),
or raises `Skip` with the reason when the peer cannot express the step. Anything else
it raises is a failure of the peer on that input: the case is answered `errored` with
the exception, never guessed.

The adapters say `"givenFieldsOnly": true` in their start reply: the fields they leave
out of a step result are fields the peer cannot give (deniedBy, message, errorKind,
...), and the runner compares only the fields given (decision and valid always).
"""

import json
import sys
import traceback

STEP_KINDS = (
    "evaluate",
    "request",
    "assumeRole",
    "parse",
    "assumeRoleWithWebIdentity",
    "assumeRoleWithSAML",
    "getFederationToken",
    "getSessionToken",
    "getCallerIdentity",
    "whoCan",
    "reach",
    "importAccount",
)


class Skip(Exception):
    """The peer cannot express this step; the message says why."""


def step_kind(step):
    """The action key of a step, or None."""
    for kind in STEP_KINDS:
        if kind in step:
            return kind
    return None


def run_case(case, handlers):
    """One result per step: the handler's fields, or {"skipped": true, "detail": why}."""
    results = []
    state = {}
    for step in case.get("steps", []):
        kind = step_kind(step)
        handler = handlers.get(kind)
        if handler is None:
            results.append({"skipped": True, "detail": f"{kind} steps are not supported"})
            continue
        try:
            results.append(handler(step[kind], case, step, state))
        except Skip as why:
            results.append({"skipped": True, "detail": str(why)})
    return results


def answer(msg, info, supports, handlers):
    """The reply to one runner message, or None for `stop`."""
    cmd = msg.get("cmd")
    if cmd == "start":
        return {"implementation": info, "supports": list(supports), "givenFieldsOnly": True}
    if cmd == "stop":
        return None
    if cmd == "run":
        seq = msg.get("seq")
        case = msg.get("case") or {}
        steps = case.get("steps") or []
        if steps and all(step_kind(s) not in handlers for s in steps):
            kinds = sorted({str(step_kind(s)) for s in steps})
            return {"seq": seq, "skipped": True, "message": f"no supported step ({', '.join(kinds)})"}
        try:
            return {"seq": seq, "results": run_case(case, handlers)}
        except Exception as e:  # the peer broke on this input: say so, do not guess
            last = traceback.format_exception_only(type(e), e)[-1].strip()
            return {"seq": seq, "errored": True, "message": f"{info['name']} raised {last}"}
    return {"errored": True, "message": f"unknown cmd {cmd!r}"}


def serve(info, supports, handlers):
    """Answers the runner on stdin/stdout until `stop` or end of input."""
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            msg = json.loads(line)
        except ValueError as e:
            reply = {"errored": True, "message": f"not JSON: {e}"}
        else:
            reply = answer(msg, info, supports, handlers)
            if reply is None:
                return
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def policy_text(policy):
    """A case policy (an object, or a string holding the raw text) as JSON text."""
    return policy if isinstance(policy, str) else json.dumps(policy)


def policy_object(policy):
    """A case policy as a dict; Skip when its text is not a JSON object."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError as e:
            raise Skip(f"the policy text is not JSON ({e})")
    if not isinstance(policy, dict):
        raise Skip("the policy is not a JSON object")
    return policy


def arn_account(arn):
    """The account field of an ARN, or ''."""
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    return parts[4] if len(parts) == 6 and parts[0] == "arn" else ""


def resource_account(e):
    """resourceAccount, else the resource ARN's account, else the principal's."""
    return e.get("resourceAccount") or arn_account(e.get("resource", "")) or arn_account(e.get("principal", ""))


def context_strings(context):
    """The request context with scalar values as strings (as AWS carries them);
    lists stay lists of strings."""
    out = {}
    for key, value in (context or {}).items():
        if isinstance(value, list):
            out[key] = [scalar_string(v) for v in value]
        else:
            out[key] = scalar_string(value)
    return out


def scalar_string(value):
    """A context scalar as AWS carries it: booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def only_keys(e, allowed, what):
    """Skip when the evaluate step gives a policy layer the peer does not model."""
    for key, value in e.items():
        if key not in allowed and value not in (None, [], {}):
            raise Skip(f"{what} does not model `{key}`")
