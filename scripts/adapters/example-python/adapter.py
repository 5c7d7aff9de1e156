#!/usr/bin/env python3
"""A minimal implementation speaking the iam-conformance harness protocol.

It is a toy: it supports only `parse` steps, and decides them with json.loads
alone (a policy that is not JSON is invalid with errorKind "json"; anything else is
called valid). Every other step kind is answered with {"skipped": true}, and a
case with no parse step at all is skipped as a whole. Run it with

    iam-conformance run --impl "python3 scripts/adapters/example-python/adapter.py"

See docs/PROTOCOL.md. One JSON object per line on stdin and stdout; nothing else
may be printed on stdout (use stderr for logs).
"""

import json
import sys

STEP_KINDS = ("evaluate", "request", "assumeRole", "parse")


def parse_step(step):
    policy = step["parse"]["policy"]
    if not isinstance(policy, str):
        return {"valid": True}  # a JSON object in the case file is JSON by definition
    try:
        json.loads(policy)
    except ValueError:
        return {"valid": False, "errorKind": "json"}
    return {"valid": True}


def run(seq, case):
    steps = case.get("steps", [])
    if not any("parse" in step for step in steps):
        return {"seq": seq, "skipped": True, "message": "only parse steps are supported"}
    results = [parse_step(step) if "parse" in step else {"skipped": True} for step in steps]
    return {"seq": seq, "results": results}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        cmd = msg.get("cmd")
        if cmd == "start":
            reply = {
                "implementation": {"name": "example-python", "version": "0.1", "language": "python"},
                "supports": ["parse"],
            }
        elif cmd == "run":
            try:
                reply = run(msg["seq"], msg["case"])
            except Exception as e:  # report, never die: a dead adapter costs a restart
                reply = {"seq": msg.get("seq"), "errored": True, "message": repr(e)}
        elif cmd == "stop":
            return
        else:
            reply = {"errored": True, "message": "unknown cmd %r" % (cmd,)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
