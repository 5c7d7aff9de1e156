#!/usr/bin/env node
// Harness-protocol adapter (CASE-FORMAT.md, "Running an implementation") for the npm
// package pbac ("AWS IAM Policy inspired and (mostly) compatible evaluation engine"),
// pinned in package-lock.json and installed by scripts/adapters/setup.sh pbac. It is
// called through its public API (new PBAC(policies), evaluate, filterPoliciesBy);
// none of its code is copied here.
//
// What is mapped: evaluate steps with identity policies only, for IAM users and role
// sessions in the resource's account (pbac evaluates one flat set of policies: no
// layers, no accounts). pbac's schema takes Statement, Action, NotAction, Resource,
// NotResource and Principal values as arrays only; the adapter writes a single value
// as a one-element array, which means the same in the IAM grammar. Context values go in
// as the case gives them (pbac's Numeric operators compare JS numbers), nested by
// prefix as pbac reads them (`aws:SourceIp` -> {aws: {SourceIp}}), with the principal
// keys the case format says the implementation derives.
//
// The decision: pbac.evaluate() is a bool; a matching Deny (filterPoliciesBy with
// effect Deny, the first check evaluate() makes) is reported as explicitDeny, a false
// answer without one as implicitDeny. deniedBy and message are left out (one layer).
// Skipped: other policy layers, other principals, cross-account requests, actions
// whose resource policy must allow (a role's trust policy, a KMS key policy), policy
// text that is not JSON or that pbac's schema refuses (the reason is given), parse and
// world steps.
'use strict';

const readline = require('readline');
const path = require('path');
const { arnParts, withPrincipalKeys } = require('../lib/principal-keys');

let PBAC;
try {
  PBAC = require('pbac');
} catch (e) {
  process.stderr.write(`pbac adapter: cannot load pbac (${e.message}); run scripts/adapters/setup.sh pbac\n`);
  process.exit(3);
}

const version = (() => {
  try {
    return require(path.join(__dirname, 'node_modules/pbac/package.json')).version;
  } catch (_) {
    return 'unknown';
  }
})();

class Skip extends Error {}

const LIST_KEYS = ['Action', 'NotAction', 'Resource', 'NotResource'];

/** A policy in the array-only shape pbac's schema takes. */
function normalize(doc) {
  let policy = doc;
  if (typeof policy === 'string') {
    try {
      policy = JSON.parse(policy);
    } catch (e) {
      throw new Skip(`the policy text is not JSON (${e.message})`);
    }
  }
  if (!policy || typeof policy !== 'object' || Array.isArray(policy)) throw new Skip('the policy is not an object');
  const out = { ...policy };
  if (out.Statement !== undefined && !Array.isArray(out.Statement)) out.Statement = [out.Statement];
  if (Array.isArray(out.Statement)) {
    out.Statement = out.Statement.map((s) => {
      if (!s || typeof s !== 'object') return s;
      const st = { ...s };
      for (const k of LIST_KEYS) if (typeof st[k] === 'string') st[k] = [st[k]];
      for (const k of ['Principal', 'NotPrincipal']) {
        if (st[k] && typeof st[k] === 'object') {
          const p = {};
          for (const [kind, v] of Object.entries(st[k])) p[kind] = Array.isArray(v) ? v : [v];
          st[k] = p;
        }
      }
      return st;
    });
  }
  return out;
}

/** The context nested by prefix, as pbac's getContextValue reads it. */
function nestedContext(principal, context) {
  const flat = withPrincipalKeys(principal, context, (v) => v);
  const out = {};
  for (const [k, v] of Object.entries(flat)) {
    const i = k.indexOf(':');
    if (i < 0) continue;
    const prefix = k.slice(0, i);
    out[prefix] = out[prefix] || {};
    out[prefix][k.slice(i + 1)] = v;
  }
  return out;
}

const MODELLED = new Set(['principal', 'action', 'resource', 'resourceAccount', 'context', 'identityPolicies']);

function runEvaluate(e) {
  for (const [k, v] of Object.entries(e)) {
    const empty = v === undefined || v === null || (Array.isArray(v) && v.length === 0);
    if (!MODELLED.has(k) && !empty) throw new Skip(`pbac evaluates one set of policies and does not model \`${k}\``);
  }
  const p = arnParts(e.principal);
  const isUser = p && p[2] === 'iam' && p[5].startsWith('user/');
  const isSession = p && p[2] === 'sts' && p[5].startsWith('assumed-role/');
  if (!isUser && !isSession) throw new Skip('the adapter gives pbac IAM users and role sessions only');
  const r = arnParts(e.resource);
  const account = e.resourceAccount || (r && r[4]) || p[4];
  if (account !== p[4]) throw new Skip('pbac has no accounts (cross-account requests need a resource policy)');
  const action = String(e.action || '').toLowerCase();
  if (r && ((action.startsWith('kms:') && r[2] === 'kms') || (action.startsWith('sts:') && r[2] === 'iam'))) {
    throw new Skip('the trust or key policy must allow, and pbac has no resource policies as a layer');
  }
  let engine;
  try {
    engine = new PBAC((e.identityPolicies || []).map(normalize));
  } catch (err) {
    if (err instanceof Skip) throw err;
    throw new Skip(`pbac refused the policy: ${err.message}`);
  }
  const request = {
    action: e.action,
    resource: e.resource,
    principal: {},
    context: nestedContext(e.principal, e.context)
  };
  if (engine.evaluate(request)) return { decision: 'allowed' };
  const denied = engine.filterPoliciesBy({ effect: 'Deny', ...request });
  return { decision: denied ? 'explicitDeny' : 'implicitDeny' };
}

function runCase(c) {
  return (c.steps || []).map((step) => {
    if (!step.evaluate) return { skipped: true, detail: 'pbac answers evaluate steps only' };
    try {
      return runEvaluate(step.evaluate);
    } catch (err) {
      if (err instanceof Skip) return { skipped: true, detail: err.message };
      throw err;
    }
  });
}

function handle(line) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    return { errored: true, message: `not JSON: ${e.message}` };
  }
  switch (msg.cmd) {
    case 'start':
      return {
        implementation: { name: 'pbac', version, language: 'javascript' },
        supports: ['evaluate'],
        givenFieldsOnly: true
      };
    case 'stop':
      return null;
    case 'run': {
      const steps = (msg.case && msg.case.steps) || [];
      if (steps.length > 0 && steps.every((s) => !s.evaluate)) {
        return { seq: msg.seq, skipped: true, message: 'pbac answers evaluate steps only' };
      }
      try {
        return { seq: msg.seq, results: runCase(msg.case || {}) };
      } catch (err) {
        return { seq: msg.seq, errored: true, message: `pbac threw: ${err && err.message ? err.message : err}` };
      }
    }
    default:
      return { errored: true, message: `unknown cmd ${JSON.stringify(msg.cmd)}` };
  }
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  const reply = handle(line);
  if (reply === null) {
    rl.close();
    process.exit(0);
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
rl.on('close', () => process.exit(0));
