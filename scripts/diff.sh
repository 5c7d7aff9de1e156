#!/bin/sh
# Differential testing against @cloud-copilot/iam-simulate, and the figures of
# docs/DIVERGENCES.md.
#
#   scripts/diff.sh score               corpus score of the adapter, per area and per tag
#   scripts/diff.sh diff [N] [SEED]     N random cases (default 100000, seed 1) -> diff-out/
#   scripts/diff.sh classify [DIR]      disagreement classes of DIR/summary.json, by cause
#   scripts/diff.sh speed [N] [SEED]    cases/s through the protocol: serve vs the adapter,
#                                       same cases; and the in-process node loop (bench.js)
#
# Needs cargo, node and npm (the adapter installs its npm dependencies on first run),
# and python3 for the tables.
set -eu
cd "$(dirname "$0")/.."
ADAPTER=scripts/adapters/iam-simulate/run.sh
BIN=target/release/iam-conformance

build() {
  cargo build --release -q -p iam-conformance
  sh -c "cd scripts/adapters/iam-simulate && [ -d node_modules/@cloud-copilot/iam-simulate ] || npm install --no-audit --no-fund --silent"
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
  out=${3:-diff-out}
  rm -rf "$out"
  nice "$BIN" diff --impl "$ADAPTER" --cases "$n" --seed "$seed" --out "$out" > "$out.txt" || true
  sed -n '1,/^disagreements by answers/p' "$out.txt"
  classify "$out"
}

# Names the cause of each shrunk disagreement class from its answers and features.
# The rules are tried in order; the first that fits names the class. Their verdicts
# are argued in docs/DIVERGENCES.md.
classify() {
  python3 - "${1:-diff-out}/summary.json" <<'EOF'
import json, sys, collections
s = json.load(open(sys.argv[1]))
def cause(kind, ours, theirs, feats):
    has = lambda p: any(f == p or f.startswith(p) for f in feats)
    if has("rcp-service:not-covered") and "rcp" in theirs:
        return "D3 RCP applied to a service RCPs do not cover (R9.4)"
    if has("resource:short-arn"):
        return "D9 Resource pattern with fewer than six ARN components (U8)"
    if has("service:kms") and ours == "allowed" and theirs.startswith("implicitDeny"):
        return "D4 KMS key policy must allow (R7.7)"
    if has("service:sts") and ours == "allowed" and theirs.startswith("implicitDeny"):
        return "D5 Role trust policy must allow sts:AssumeRole (R7.7)"
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
