#!/usr/bin/env python3
"""Regenerates the figures in README.md from `iam-conformance run --format json`
results, so that no figure is typed by hand.

    python3 scripts/figures.py [--bin BIN] [--simulate RESULT.json] [--check]

The README holds each generated block between two markers:

    <!-- figures:corpus -->   ...   <!-- /figures:corpus -->
    <!-- figures:simulate --> ...   <!-- /figures:simulate -->

`corpus` is the corpus per area (cases, uncertain-tagged cases, cases the reference
evaluator passes), from a run of BIN (default target/debug/iam-conformance, built by
`cargo build -p iam-conformance`) over corpus/. `simulate` is the score of another
implementation, from RESULT.json written by `iam-conformance run --impl CMD --format
json` (scripts/diff.sh score writes /tmp/iamsim.json); without --simulate that block is
kept as it is. --check changes nothing and exits 1 when the README is stale (the test
conformance/tests/docs.rs runs it).
"""

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def area_of(path):
    parts = path.replace("\\", "/").split("/")
    return parts[-2] if len(parts) >= 2 else "."


def counts(cases):
    areas = defaultdict(lambda: defaultdict(int))
    for c in cases:
        for key in (area_of(c["path"]), "**all**"):
            a = areas[key]
            a["cases"] += 1
            a[c["status"]] += 1
            if "uncertain" in c.get("tags", []):
                a["uncertain"] += 1
    return sorted(areas.items(), key=lambda kv: (kv[0] == "**all**", kv[0]))


def corpus_block(run):
    rows = ["| area | cases | tagged uncertain | passed by the reference evaluator |", "|---|---:|---:|---:|"]
    for area, a in counts(run["cases"]):
        rows.append(f"| {area} | {a['cases']} | {a['uncertain']} | {a['passed']} |")
    return "\n".join(rows)


def simulate_block(run):
    info = run["implementation"]
    rows = [
        f"{info['name']} {info.get('version', '')}".strip() + ":",
        "",
        "| area | cases | passed | failed | skipped | errored |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for area, a in counts(run["cases"]):
        rows.append(f"| {area} | {a['cases']} | {a['passed']} | {a['failed']} | {a['skipped']} | {a['errored']} |")
    return "\n".join(rows)


def replace_block(text, name, body):
    start, end = f"<!-- figures:{name} -->", f"<!-- /figures:{name} -->"
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        sys.exit(f"figures: README.md has no {start} ... {end} block")
    return text[: i + len(start)] + "\n" + body + "\n" + text[j:]


def reference_run(binary):
    # `run` exits 1 when a case fails; the JSON is complete either way.
    out = subprocess.run(
        [binary, "run", "--format", "json", "corpus"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode not in (0, 1) or not out.stdout.strip():
        sys.exit(f"figures: {binary} run failed (exit {out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "iam-conformance"))
    p.add_argument("--simulate", help="a `run --format json` result of another implementation")
    p.add_argument("--check", action="store_true", help="exit 1 when README.md is stale; change nothing")
    args = p.parse_args()

    readme = os.path.join(ROOT, "README.md")
    with open(readme, encoding="utf-8") as f:
        old = f.read()
    new = replace_block(old, "corpus", corpus_block(reference_run(args.bin)))
    if args.simulate:
        with open(args.simulate, encoding="utf-8") as f:
            new = replace_block(new, "simulate", simulate_block(json.load(f)))
    if args.check:
        if new != old:
            import difflib

            diff = difflib.unified_diff(old.splitlines(), new.splitlines(), "README.md", "regenerated", lineterm="")
            print("\n".join(diff))
            sys.exit("figures: README.md is stale: run python3 scripts/figures.py")
        return
    if new != old:
        with open(readme, "w", encoding="utf-8") as f:
            f.write(new)
        print("figures: README.md updated")
    else:
        print("figures: README.md is up to date")


if __name__ == "__main__":
    main()
