#!/usr/bin/env python3
"""Throughput of `iam-conformance serve`: single-step `evaluate` cases per second.

Starts the server, performs the `start` handshake of the harness protocol
(CASE-FORMAT.md), then pipelines N `run` requests (a writer thread writes them all
while the main thread reads the answers), checks that every answer carries the right
`seq` and the expected decision, sends `stop`, and prints cases per second.

The cases are single-step `evaluate` cases of corpus/evaluate/ (by default the seed
scenarios without the 91 KB ReadOnlyAccess document, see --mix), sent round robin.

Usage:
    cargo build --release -p iam-conformance
    python3 scripts/bench-serve.py                  # 200,000 cases, seed mix
    python3 scripts/bench-serve.py -n 50000 --mix steps --repeat 3   # every evaluate step
    python3 scripts/bench-serve.py --mix small      # the evaluate steps with small policies
    python3 scripts/bench-serve.py --bin path/to/iam-conformance --taskset 0

Only the standard library is used.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Seed scenarios (seeds 001 and 002) that carry small policies.
SEED_SMALL = [
    "012-list-region-session-describeregions-allowed.json",
    "013-list-region-session-describevpcs-denied.json",
    "018-boundary-test-pb-createuser-denied.json",
    "020-boundary-test-pb-createrole-with-boundary-allowed.json",
    "021-boundary-test-pb-createrole-without-boundary-denied.json",
]
# Seed 001 with the AWS managed ReadOnlyAccess (91 KB) as a session policy: every case
# carries and parses the whole document.
# The `small` mix: evaluate steps whose case is at most this long (compact JSON).
SMALL_BYTES = 4096

SEED_READONLY = [
    "001-readonly-session-sns-createtopic-denied.json",
    "002-readonly-session-sns-listtopics-allowed.json",
]


def evaluate_steps():
    """Every `evaluate` step of corpus/evaluate and corpus/seeds, each as a single-step case
    (a step of a multi-step case keeps the case's description and sources)."""
    out = []
    for folder in ("evaluate", "seeds"):
        for path in sorted((ROOT / "corpus" / folder).glob("*.json")):
            case = json.loads(path.read_text())
            if "world" in case:
                continue
            for i, step in enumerate(case.get("steps", [])):
                if "evaluate" not in step:
                    continue
                single = {k: v for k, v in case.items() if k != "steps"}
                single["steps"] = [step]
                name = f"{folder}/{path.name}" + (f"#{i + 1}" if len(case["steps"]) > 1 else "")
                out.append((name, single, step.get("expect", {}).get("decision")))
    return out


def load_cases(mix):
    folder = ROOT / "corpus" / "evaluate"
    if mix in ("steps", "small"):
        cases = evaluate_steps()
        if mix == "small":
            cases = [c for c in cases if len(json.dumps(c[1], separators=(",", ":"))) <= SMALL_BYTES]
        return cases
    if mix == "seed":
        names = SEED_SMALL
    elif mix == "readonly":
        names = SEED_READONLY
    else:
        names = sorted(p.name for p in folder.glob("*.json"))
    cases = []
    for name in names:
        case = json.loads((folder / name).read_text())
        steps = case.get("steps", [])
        if len(steps) != 1 or "evaluate" not in steps[0]:
            continue
        expected = steps[0].get("expect", {}).get("decision")
        cases.append((name, case, expected))
    if not cases:
        sys.exit(f"no single-step evaluate cases for mix {mix!r}")
    return cases


def run_once(binary, cases, n, taskset):
    cmd = [str(binary), "serve"]
    if taskset is not None:
        cmd = ["taskset", "-c", str(taskset)] + cmd
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1 << 16
    )
    out = proc.stdout
    proc.stdin.write(b'{"cmd":"start","version":1}\n')
    proc.stdin.flush()
    hello = json.loads(out.readline())
    if "evaluate" not in hello.get("supports", []):
        sys.exit(f"the server does not support evaluate: {hello}")

    # Pre-encode the requests so that the client's JSON encoding is not measured.
    bodies = [json.dumps(case, separators=(",", ":")) for _, case, _ in cases]
    lines = [
        f'{{"cmd":"run","seq":{seq},"case":{bodies[seq % len(bodies)]}}}\n'.encode() for seq in range(n)
    ]
    sent_bytes = sum(len(line) for line in lines)

    def writer():
        try:
            chunk = []
            size = 0
            for line in lines:
                chunk.append(line)
                size += len(line)
                if size >= 1 << 16:
                    proc.stdin.write(b"".join(chunk))
                    chunk, size = [], 0
            proc.stdin.write(b"".join(chunk))
            proc.stdin.write(b'{"cmd":"stop"}\n')
            proc.stdin.flush()
            proc.stdin.close()
        except BrokenPipeError:
            pass

    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    errors = 0
    wrong = 0
    for seq in range(n):
        line = out.readline()
        if not line:
            sys.exit(f"the server stopped after {seq} answers: {proc.stderr.read().decode()[-2000:]}")
        reply = json.loads(line)
        if reply.get("seq") != seq:
            sys.exit(f"answer {seq} has seq {reply.get('seq')}: {line[:300]!r}")
        if reply.get("errored") or reply.get("skipped"):
            errors += 1
            continue
        name, _, expected = cases[seq % len(cases)]
        results = reply.get("results") or [{}]
        if expected is not None and results[0].get("decision") != expected:
            wrong += 1
            if wrong == 1:
                print(f"warning: {name}: expected {expected}, got {results[0]}", file=sys.stderr)
    elapsed = time.perf_counter() - start
    thread.join()
    proc.wait(timeout=30)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    # CPU time of the server (user + system), from the start handshake to its exit.
    server_cpu = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
    client_cpu = (me.ru_utime - self_before.ru_utime) + (me.ru_stime - self_before.ru_stime)
    return elapsed, errors, wrong, sent_bytes, server_cpu, client_cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--cases", type=int, default=200_000, help="run requests per measurement")
    ap.add_argument(
        "--mix",
        choices=["seed", "readonly", "all", "steps", "small"],
        default="seed",
        help="seed: seed scenarios with small policies; readonly: seed 001 with ReadOnlyAccess (91 KB "
        "per case); all: every single-step case of corpus/evaluate; steps: every evaluate step of "
        "corpus/evaluate and corpus/seeds, each sent as a single-step case (the mix of issue 12); small: the "
        f"steps whose case is at most {SMALL_BYTES} bytes",
    )
    ap.add_argument("--repeat", type=int, default=1, help="measurements (the best is reported as well)")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "iam-conformance"))
    ap.add_argument("--taskset", type=int, default=None, help="pin the server to this CPU (one core)")
    args = ap.parse_args()

    binary = Path(args.bin)
    if not binary.exists():
        sys.exit(f"{binary} not found; build it with: cargo build --release -p iam-conformance")
    cases = load_cases(args.mix)
    print(
        f"{binary} serve: {args.cases} single-step evaluate cases per run, {len(cases)} distinct "
        f"({args.mix} mix), pipelined, {os.cpu_count()} CPUs"
    )
    rates = []
    for i in range(args.repeat):
        elapsed, errors, wrong, sent, server_cpu, client_cpu = run_once(binary, cases, args.cases, args.taskset)
        rate = args.cases / elapsed
        rates.append(rate)
        print(
            f"run {i + 1}: {args.cases} cases in {elapsed:.3f} s = {rate:,.0f} cases/s "
            f"({sent / elapsed / 1e6:.1f} MB/s of requests; {errors} errored or skipped, {wrong} wrong decisions)"
        )
        print(
            f"       server CPU {server_cpu:.3f} s = {args.cases / max(server_cpu, 1e-9):,.0f} cases per CPU-second "
            f"(one core); client CPU {client_cpu:.3f} s"
        )
        if errors or wrong:
            sys.exit(1)
    if args.repeat > 1:
        print(f"best: {max(rates):,.0f} cases/s")


if __name__ == "__main__":
    main()
