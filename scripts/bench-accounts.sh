#!/usr/bin/env bash
# Driver for the account benchmarks (issue 15): generates the synthetic account if needed,
# times the CLI end to end (import included), then runs the criterion bench.
# Usage: scripts/bench-accounts.sh [--no-criterion]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ACCOUNT="${IAM_ACCOUNT_FILE:-target/accounts/synthetic.json}"
mkdir -p "$(dirname "$ACCOUNT")"
[ -f "$ACCOUNT" ] || python3 scripts/gen-account.py -o "$ACCOUNT"
cargo build --release -q -p iam-conformance
B=target/release/iam-conformance
echo "load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null || true; e=$(date +%s.%N); printf '%-60s %6.2f s\n' "${*:2:3}" "$(echo "$e - $s" | bc)"; }
USER=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["UserDetailList"][0]["Arn"])' "$ACCOUNT")
t $B can --world "$ACCOUNT" --as "$USER" s3:GetObject arn:aws:s3:::app-001-data/x
t $B who-can --world "$ACCOUNT" s3:GetObject arn:aws:s3:::app-001-data/x
t $B who-can --world "$ACCOUNT" iam:CreateUser arn:aws:iam::111122223333:user/new
t $B reach --world "$ACCOUNT" --format json
t $B reach --world "$ACCOUNT" --from "$USER"
[ "${1:-}" = "--no-criterion" ] || IAM_ACCOUNT_FILE="$ACCOUNT" cargo bench -p iam-evaluator --bench query
