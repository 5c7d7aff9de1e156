#!/bin/sh
# Differential testing against @cloud-copilot/iam-simulate, and the figures of
# docs/DIVERGENCES.md.
#
#   scripts/diff.sh score               corpus score of the adapter, per area and per tag
#   scripts/diff.sh diff [N] [SEED]     N random cases (default 100000, seed 1) -> /tmp/iamsim-diff/
#   scripts/diff.sh classify [DIR] [-v] disagreement classes of DIR/summary.json, by cause
#   scripts/diff.sh speed [N] [SEED]    cases/s through the protocol: serve vs the adapter,
#                                       same cases; and the in-process node loop (bench.js)
#
# Needs cargo, node and npm (scripts/adapters/setup.sh iam-simulate installs the adapter),
# and python3 for the tables.
set -eu
cd "$(dirname "$0")/.."
ADAPTER=scripts/adapters/iam-simulate/run.sh
# IAMC=/path/to/iam-conformance uses that binary instead of building one.
BIN=${IAMC:-target/release/iam-conformance}

build() {
  [ -n "${IAMC:-}" ] || cargo build --release -q -p iam-conformance
  [ -d scripts/adapters/iam-simulate/node_modules/@cloud-copilot/iam-simulate ] || scripts/adapters/setup.sh iam-simulate
}

score() {
  build
  out=${1:-/tmp/iamsim.json}
  "$BIN" run --impl "$ADAPTER" --format json > "$out" || true
  python3 - "$out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
def table(title, rows):
    print(f"| {title} | cases | passed | failed | skipped | decision agrees¹ |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, c in rows:
        print(f"| {name} | {c['n']} | {c['passed']} | {c['failed']} | {c['skipped']} | {c['decision']} |")
    print()
def empty():
    return {"n": 0, "passed": 0, "failed": 0, "skipped": 0, "errored": 0, "decision": 0}
areas, tags, total = {}, {}, empty()
for r in d["cases"]:
    area = r["path"].split("/")[-2]
    # "decision agrees": passed, or failed only on fields other than decision/valid
    # (deniedBy, message, errorKind), which the adapter cannot always map.
    dec = r["status"] == "passed" or (r["status"] == "failed" and not any(m["field"] in ("decision", "valid") for m in r["mismatches"]))
    for c in [areas.setdefault(area, empty()), total] + [tags.setdefault(t, empty()) for t in r["tags"]]:
        c["n"] += 1
        c[r["status"]] += 1
        c["decision"] += dec
print(f"implementation: {d['implementation']['name']} {d['implementation']['version']}\n")
table("area", sorted(areas.items()) + [("**all**", total)])
table("tag", sorted(tags.items(), key=lambda kv: (-kv[1]["n"], kv[0])))
print("¹ passed, or failed only on deniedBy/message/errorKind (fields the adapter derives or cannot give).")
EOF
}

diff_run() {
  build
  n=${1:-100000}
  seed=${2:-1}
  out=${3:-${TMPDIR:-/tmp}/iamsim-diff}
  rm -rf "$out"
  nice "$BIN" diff --impl "$ADAPTER" --cases "$n" --seed "$seed" --out "$out" > "$out.txt" || true
  sed -n '1,/^disagreement classes/p' "$out.txt"
  classify "$out"
}

# Names the cause of each shrunk disagreement class from its answers and features.
# The rules are tried in order; the first that fits names the class. Their verdicts
# are argued in docs/DIVERGENCES.md.
classify() {
  python3 - "${1:-${TMPDIR:-/tmp}/iamsim-diff}/summary.json" "${2:-}" <<'EOF'
import json, sys, collections
s = json.load(open(sys.argv[1]))
KEY_TYPES = {"aws:sourceip": {"Ip"}, "aws:principaltype": {"String"}, "aws:username": {"String"},
             "aws:principaltag/team": {"String"}, "aws:principalarn": {"Arn", "String"},
             "aws:currenttime": {"Date"}, "aws:epochtime": {"Date", "Numeric"},
             "aws:multifactorauthage": {"Numeric"}, "aws:securetransport": {"Bool"},
             "aws:multifactorauthpresent": {"Bool"}, "s3:max-keys": {"Numeric"}}
def wrong_type(f):
    if not f.startswith("condition:"):
        return False
    op, key = f[len("condition:"):].rsplit(":", 2)[-2:] if f.count(":") >= 3 else ("", "")
    body = f[len("condition:"):]
    key = ":".join(body.split(":")[-2:]).lower()
    op = body[: -len(key) - 1].split(":")[-1]
    family = next((fam for fam in ("String", "Numeric", "Date", "Bool", "Ip", "NotIp", "Arn", "Binary", "Null") if op.startswith(fam)), "")
    family = "Ip" if family == "NotIp" else family
    return key in KEY_TYPES and family not in ("", "Null") and family not in KEY_TYPES[key]
def cause(kind, ours, theirs, feats):
    has = lambda p: any(f == p or f.startswith(p) for f in feats)
    if has("rcp-service:not-covered") and "rcp" in theirs:
        return "D3 RCP applied to a service RCPs do not cover (R9.4)"
    if has("resource:short-arn"):
        return "D9 Resource pattern with fewer than six ARN components (U8)"
    for svc, name, what in (("kms", "D4 KMS key policy must allow (R7.7)", "key policy"),
                            ("sts", "D5 Role trust policy must allow sts:AssumeRole (R7.7)", "trust policy")):
        if has("service:" + svc) and (
            (ours == "allowed" and theirs.startswith("implicitDeny"))
            or (kind == "deniedBy" and "resourcePolicy" in theirs)
        ):
            given = f"{what} in the case" if has("policy:resource") else f"no {what} in the case"
            return f"{name}: {given}"
    if has("caller:root") and ours == "allowed" and "Deny" in theirs:
        return "D1 Root user's default access (R6.1)"
    if has("caller:federated-user") and not has("policy:session") and ours.startswith("implicitDeny (sessionPolicy)"):
        return "D2 Federated user without a session policy (R6.9)"
    if has("version:") and has("variable"):
        return "D6 Policy variables under Version 2008-10-17 or no Version (R4.8)"
    if has("condition:Date") and has("condition:") and any(f.startswith("condition:Date") for f in feats):
        return "D7 Date values in epoch seconds (R3.8)"
    if ours == "allowed" and "sessionPolicy" in theirs and (has("principal:session") or has("principal:federated-user")):
        return "D8 Resource policy naming the session is not capped by the session policy (R7.2, R7.5)"
    if ours == "allowed" and ("sessionPolicy" in theirs or "permissionsBoundary" in theirs) and has("principal:wildcard"):
        return "D10 Principal * in the same account and boundaries/session policies (U5)"
    if has("element:NotPrincipal") and ours.startswith("explicitDeny (resourcePolicy)"):
        return "D16 Deny with NotPrincipal naming the caller's account or role, not the caller (U17)"
    if has("condition:ForAnyValue:") and any("IfExists" in f for f in feats):
        return "D15 ForAnyValue with ...IfExists on an absent key (U2-like; docs conflict)"
    if has("condition:Null:aws:TagKeys"):
        return "D17 Null on a multivalued key given as an empty list (U2)"
    if any(f.startswith("condition:") and f.split(":")[-1].startswith("blob") for f in feats) or has("condition:BinaryEquals") or has("condition:Null:s3:") or any(":s3:" in f for f in feats if f.startswith("condition:")):
        return "D18 Context key the action does not define (iam-simulate drops it)"
    if any(wrong_type(f) for f in feats):
        return "D19 Operator meeting a request value it cannot read (U-wrong-type)"
    if has("element:NotPrincipal") and ours.startswith("implicitDeny") and theirs == "allowed":
        return "D20 Allow with NotPrincipal (unsupported per the current NotPrincipal page)"
    if has("caller:service") and "scp" in theirs:
        return "D14 SCPs applied to a service principal (R9.2)"
    if has("variable"):
        return "D11 Unresolved policy variables (R4.5)"
    if has("condition:NotIpAddress") or has("condition:IpAddress"):
        return "D12 IpAddress with IPv6 request and IPv4 ranges (R3.10)"
    if has("action:question-mark"):
        return "D13 ? in Action (U7)"
    return "unclassified"
by = collections.Counter()
examples = collections.defaultdict(list)
for c in s["classes"]:
    kind, ours, theirs, feats = (c["class"].split(" | ") + [""])[:4]
    ours = ours.removeprefix("oracle ")
    theirs = theirs.split(" ", 1)[1] if " " in theirs else theirs
    k = cause(kind, ours, theirs, feats.split())
    by[k] += c["count"]
    if len(examples[k]) < (30 if k == "unclassified" else 3):
        examples[k].append((c["count"], c["class"], c["examples"][:1]))
total = sum(by.values())
print(f"\n{total} disagreements (decision and deniedBy), by cause:")
for k, n in sorted(by.items()):
    print(f"{n:>8}  {k}")
if "-v" in sys.argv or by.get("unclassified"):
    for k in sorted(examples):
        if k == "unclassified" or "-v" in sys.argv:
            print(f"\n{k}:")
            for n, cl, ex in examples[k]:
                print(f"  {n:>6} {cl}\n         {' '.join(ex)}")
EOF
}

speed() {
  build
  n=${1:-20000}
  seed=${2:-7}
  echo "== $n random cases of seed $seed through the harness protocol (same cases, one run)"
  for imp in "$BIN serve" "$ADAPTER"; do
    "$BIN" diff --impl "$imp" --cases "$n" --seed "$seed" --out "/tmp/speed-$$" 2>/dev/null | grep -E "^implementation:|through the protocol|oracle in process" || true
    rm -rf "/tmp/speed-$$"
  done
  echo "== in-process node loop (bench.js)"
  node scripts/adapters/iam-simulate/bench.js
}

case "${1:-}" in
  score) shift; score "$@" ;;
  diff) shift; diff_run "$@" ;;
  classify) shift; classify "$@" ;;
  speed) shift; speed "$@" ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
