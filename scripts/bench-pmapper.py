#!/usr/bin/env python3
"""Times Principal Mapper (PyPI `principalmapper` 1.1.5, the version the matrix adapter
pins) on an account listing, offline, for docs/PERFORMANCE.md ("Accounts").

Principal Mapper reads an account through an IAM client; here a stand-in client answers
its calls from a `get-account-authorization-details` file (the same file the oracle
imports): `get_account_authorization_details` (one page), and, for its access-key and
MFA details, no access keys, no login profile, no MFA devices. Nothing reaches AWS.

Timed, each phase on its own (wall clock, one process):
- gather: Principal Mapper's `gathering.get_nodes_groups_and_policies` (nodes, groups,
  policies from the listing);
- admin: `gathering.update_admin_status` (which nodes it takes for administrators);
- edges: `edge_identification.obtain_edges` with the offline checkers named by
  `--checkers` (default `sts`: the AssumeRole edges `reach` computes; `iam` adds its
  privilege-escalation edges); stopped after `--edge-budget` seconds, with the share of
  destination roles done, so an account too large still gives a rate;
- who-can: for every node, `query_interface.local_check_authorization_full` (the
  node's own policies, as the oracle's `who-can` answers) and, with `--search`,
  `search_authorization_full` (also through the edges, as `pmapper query "who can do
  X with Y"` answers).

Run it with the adapter's venv (`scripts/adapters/setup.sh principalmapper`):
  scripts/adapters/principalmapper/.venv/bin/python scripts/bench-pmapper.py \\
      --account target/accounts/synthetic.json --action s3:GetObject \\
      --resource arn:aws:s3:::app-001-data/report.csv
Prints one JSON object with the phases' seconds and counts.
"""

import argparse
import collections
import collections.abc
import json
import logging
import os
import sys
import time

# Principal Mapper 1.1.5 imports collections.Mapping / MutableMapping, gone since
# Python 3.10: put the two aliases back before importing it.
for _name in ("Mapping", "MutableMapping"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

from principalmapper.common import Graph  # noqa: E402
from principalmapper.graphing import edge_identification, gathering  # noqa: E402
from principalmapper.querying import query_interface  # noqa: E402


class Pages:
    """A paginator over pages already in memory."""

    def __init__(self, pages):
        self.pages = pages

    def paginate(self, **_kwargs):
        return iter(self.pages)


class ListingIam:
    """Answers the IAM calls Principal Mapper's gathering makes, from a listing."""

    def __init__(self, listing):
        self.listing = listing

    def get_paginator(self, name):
        if name == "get_account_authorization_details":
            return Pages([self.listing])
        if name == "list_virtual_mfa_devices":
            return Pages([{"VirtualMFADevices": []}])
        raise NotImplementedError(f"the stand-in IAM client has no paginator {name}")

    def list_access_keys(self, UserName):  # noqa: N803 (botocore's parameter name)
        return {"AccessKeyMetadata": []}

    def get_login_profile(self, UserName):  # noqa: N803
        raise LookupError(f"NoSuchEntity: the login profile of {UserName} is not in the listing")

    def list_mfa_devices(self, UserName):  # noqa: N803
        return {"MFADevices": []}


def account_of(listing):
    for key in ("UserDetailList", "RoleDetailList"):
        for entry in listing.get(key, []):
            return entry["Arn"].split(":")[4]
    return "000000000000"


def timed_edges(nodes, checkers, budget):
    """obtain_edges with the offline checkers; the STS checker is run one destination
    role at a time (its work per destination unchanged) and stopped after `budget`
    seconds, so an account too large for it still gives a rate."""
    start = time.perf_counter()
    other = [c for c in checkers if c != "sts"]
    edges = edge_identification.obtain_edges(None, other, nodes) if other else []
    if "sts" not in checkers:
        return edges, time.perf_counter() - start, 1.0
    from principalmapper.graphing import sts_edges

    roles = [n for n in nodes if ":role/" in n.arn]
    done = 0
    for role in roles:
        if budget and time.perf_counter() - start > budget:
            break
        edges.extend(sts_edges.generate_edges_locally(OneDestination(role, nodes)))
        done += 1
    return edges, time.perf_counter() - start, (done / len(roles) if roles else 1.0)


class OneDestination(list):
    """The node list as sts_edges.generate_edges_locally reads it: its outer loop (the
    destinations) sees only `role`, its inner loop (the sources) every node."""

    def __init__(self, role, nodes):
        super().__init__(nodes)
        self.role = role
        self.in_outer = False

    def __iter__(self):
        if self.in_outer:
            return list.__iter__(self)
        return self._outer()

    def _outer(self):
        self.in_outer = True
        try:
            yield self.role
        finally:
            self.in_outer = False


def note(what):
    sys.stderr.write(f"bench-pmapper: {what}\n")
    sys.stderr.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--account", default="target/accounts/synthetic.json")
    ap.add_argument("--action", default="s3:GetObject")
    ap.add_argument("--resource", default="arn:aws:s3:::app-001-data/report.csv")
    ap.add_argument("--checkers", default="sts", help="comma-separated offline edge checkers (sts, iam)")
    ap.add_argument("--edge-budget", type=float, default=600, help="seconds; 0 runs every edge check")
    ap.add_argument("--admin-budget", type=float, default=600, help="seconds; 0 decides every node")
    ap.add_argument("--who-can-budget", type=float, default=600, help="seconds; 0 asks every node")
    ap.add_argument("--search", action="store_true", help="also time who-can through the edges")
    args = ap.parse_args()
    logging.disable(logging.CRITICAL)

    with open(args.account) as f:
        listing = json.load(f)
    out = {"account": os.path.basename(args.account), "principalmapper": "1.1.5",
           "python": sys.version.split()[0]}

    t = time.perf_counter()
    result = gathering.get_nodes_groups_and_policies(ListingIam(listing))
    out["gather_s"] = round(time.perf_counter() - t, 3)
    nodes, groups, policies = result["nodes"], result["groups"], result["policies"]
    out["nodes"] = len(nodes)

    note(f"gathered {len(nodes)} nodes in {out['gather_s']} s")
    # update_admin_status decides each node on its own; stopped after --admin-budget
    # seconds, with the share of nodes done.
    t = time.perf_counter()
    done = 0
    for n in nodes:
        if args.admin_budget and time.perf_counter() - t > args.admin_budget:
            break
        gathering.update_admin_status([n], None)
        done += 1
    out["admin_s"] = round(time.perf_counter() - t, 3)
    out["admin_share_done"] = round(done / len(nodes), 4) if nodes else 1.0
    out["admin_s_estimated_whole"] = round(out["admin_s"] * len(nodes) / done, 1) if done else None
    out["admins"] = sum(1 for n in nodes if n.is_admin)

    note(f"admin status in {out['admin_s']} s")
    checkers = [c for c in args.checkers.split(",") if c]
    edges, seconds, share = timed_edges(nodes, checkers, args.edge_budget)
    out["edges_s"] = round(seconds, 3)
    out["edges_share_done"] = round(share, 4)
    out["edges_s_estimated_whole"] = round(seconds / share, 1) if share > 0 else None
    out["edges"] = len(edges)
    graph = Graph(nodes, edges, policies, groups, {"account_id": account_of(listing), "pmapper_version": "1.1.5"})

    note(f"{len(edges)} edges in {out['edges_s']} s ({out['edges_share_done']:.0%} of the destinations)")
    t = time.perf_counter()
    allowed, asked = 0, 0
    for n in nodes:
        if args.who_can_budget and time.perf_counter() - t > args.who_can_budget:
            break
        asked += 1
        allowed += bool(query_interface.local_check_authorization_full(
            n, args.action, args.resource, {}, None, None, None, None))
    out["who_can_direct_s"] = round(time.perf_counter() - t, 3)
    out["who_can_direct_share_done"] = round(asked / len(nodes), 4) if nodes else 1.0
    out["who_can_direct_s_estimated_whole"] = round(out["who_can_direct_s"] * len(nodes) / asked, 2) if asked else None
    out["who_can_direct_allowed"] = allowed
    if args.search:
        t = time.perf_counter()
        found = [n.arn for n in nodes
                 if query_interface.search_authorization_full(graph, n, args.action, args.resource, {}).allowed]
        out["who_can_search_s"] = round(time.perf_counter() - t, 3)
        out["who_can_search_allowed"] = len(found)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
