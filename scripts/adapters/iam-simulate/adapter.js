#!/usr/bin/env node
// Harness-protocol adapter (CASE-FORMAT.md, "Running an implementation") for the npm
// package @cloud-copilot/iam-simulate. The package is installed at run time by run.sh
// into node_modules/ next to this file and called through its public API; none of its
// code is copied here.
//
// What is mapped:
//   evaluate steps -> runSimulation(): principal, action, resource (+ resourceAccount),
//     context, identityPolicies, resourcePolicy, permissionsBoundary, sessionPolicies
//     (several are merged into one document, see mergeSessionPolicies), scps and rcps
//     (one orgIdentifier per level).
//   parse steps -> the validators of @cloud-copilot/iam-policy, the library iam-simulate
//     itself validates its inputs with.
//   request steps by an IAM user of the world -> the same runSimulation, with the
//     policies the world gives that request (requestInputs): the user's inline, managed
//     and group policies, its boundary, the resource's policy (a role's trust policy for
//     sts:* on the role), the SCP levels of the user's account and the RCP levels of the
//     resource's account.
// What is skipped ({"skipped":true} with a `detail`): assumeRole and the other STS steps
// (iam-simulate issues no sessions), request steps as a session or against imported
// account data, and evaluate steps whose input iam-simulate refuses
// (unknown action, a resource that is no resource type of the action, `*` as the
// resource of an action that has resource types, which it reads as a pattern, a policy
// its validator rejects, a session policy for a principal it does not accept one for, ...).
//
// The principal keys the case format says an implementation derives (aws:PrincipalArn,
// aws:PrincipalAccount, aws:PrincipalType, aws:username, aws:userid) are derived here,
// because iam-simulate expects its caller to pass them in the request context.
'use strict';

const readline = require('readline');
const path = require('path');
const { arnParts, withPrincipalKeys } = require('../lib/principal-keys');

let sim;
let policyLib;
try {
  sim = require('@cloud-copilot/iam-simulate');
  policyLib = require('@cloud-copilot/iam-policy');
} catch (e) {
  process.stderr.write(`iam-simulate adapter: cannot load the package (${e.message}); run run.sh\n`);
  process.exit(3);
}

const simVersion = (() => {
  try {
    return require(path.join(__dirname, 'node_modules/@cloud-copilot/iam-simulate/package.json')).version;
  } catch (_) {
    return 'unknown';
  }
})();

// ---------------------------------------------------------------------------------
// Helpers

/** A policy of the case format: an object, or a string holding the raw text. */
function policyObject(doc) {
  if (typeof doc === 'string') {
    return JSON.parse(doc); // throws on text iam-simulate cannot take
  }
  return doc;
}

/** The request context: strings or arrays of strings, principal keys added unless set. */
function contextFor(principal, context) {
  return withPrincipalKeys(principal, context, (v) => (Array.isArray(v) ? v.map(String) : String(v)));
}

/** The resource's account: resourceAccount, else the ARN's account, else the caller's. */
function resourceAccount(step) {
  if (step.resourceAccount) return step.resourceAccount;
  const r = arnParts(step.resource);
  if (r && r[4]) return r[4];
  const p = arnParts(step.principal);
  return p ? p[4] : '';
}

function isRcpFullAwsAccess(doc) {
  if (!doc || typeof doc !== 'object') return false;
  const stmts = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return (
    stmts.length === 1 &&
    stmts[0] &&
    stmts[0].Effect === 'Allow' &&
    stmts[0].Principal === '*' &&
    stmts[0].Action === '*' &&
    stmts[0].Resource === '*' &&
    !stmts[0].Condition
  );
}

/**
 * iam-simulate takes one session policy. The case format's list of session policies is
 * one policy set (an Allow in any of them allows; IAM-SPEC R10.2, U6), which is the same
 * as one document holding all their statements, provided they share the Version (it
 * decides whether ${...} is a variable). Returns null when that is not possible.
 */
function mergeSessionPolicies(docs) {
  if (docs.length === 1) return docs[0];
  const versions = new Set(docs.map((d) => d.Version));
  if (versions.size > 1) return null;
  const statements = [];
  docs.forEach((d, i) => {
    const list = Array.isArray(d.Statement) ? d.Statement : d.Statement ? [d.Statement] : [];
    for (const s of list) {
      // Sids must stay unique in the merged document.
      statements.push(s.Sid !== undefined ? { ...s, Sid: `P${i}${s.Sid}` } : s);
    }
  });
  const merged = { Statement: statements };
  const [version] = versions;
  if (version !== undefined) merged.Version = version;
  return merged;
}

// ---------------------------------------------------------------------------------
// evaluate

/** Builds the Simulation object; throws a string when iam-simulate cannot express it. */
function buildSimulation(e) {
  const sim = {
    request: {
      principal: e.principal,
      action: e.action,
      resource: { resource: e.resource, accountId: resourceAccount(e) },
      contextVariables: contextFor(e.principal, e.context)
    },
    identityPolicies: (e.identityPolicies || []).map((p, i) => ({ name: `identity${i + 1}`, policy: policyObject(p) })),
    serviceControlPolicies: (e.scps || []).map((level, i) => ({
      orgIdentifier: `scp-level-${i + 1}`,
      policies: level.map((p, j) => ({ name: `scp${i + 1}-${j + 1}`, policy: policyObject(p) }))
    })),
    resourceControlPolicies: (e.rcps || []).map((level, i) => ({
      orgIdentifier: `rcp-level-${i + 1}`,
      // RCPFullAWSAccess is added by iam-simulate at every level; its validator rejects
      // an Allow in a custom RCP, so the document itself is not passed again.
      policies: level
        .map((p) => policyObject(p))
        .filter((p) => !isRcpFullAwsAccess(p))
        .map((p, j) => ({ name: `rcp${i + 1}-${j + 1}`, policy: p }))
    }))
  };
  if (e.resourcePolicy !== undefined) sim.resourcePolicy = policyObject(e.resourcePolicy);
  if (e.permissionsBoundary !== undefined) {
    sim.permissionBoundaryPolicies = [{ name: 'boundary', policy: policyObject(e.permissionsBoundary) }];
  }
  if (e.sessionPolicies !== undefined) {
    const docs = e.sessionPolicies.map(policyObject);
    if (docs.length === 0) throw 'an empty list of session policies';
    const merged = mergeSessionPolicies(docs);
    if (merged === null) throw 'session policies with different Versions cannot be merged into one';
    sim.sessionPolicy = merged;
  }
  return sim;
}

/**
 * True when the resource's policy must allow the caller whatever the identity policies
 * say (IAM-SPEC R7.7): a KMS key policy, or a role's trust policy for sts:AssumeRole.
 */
function resourcePolicyRequired(step) {
  const action = step.action.toLowerCase();
  const r = arnParts(step.resource);
  if (!r) return false;
  if (action.startsWith('kms:') && r[2] === 'kms' && r[5].startsWith('key/')) return true;
  return action === 'sts:assumerole' && r[2] === 'iam' && r[5].startsWith('role/');
}

/** Which policy type a denial is reported against (CORPUS-CONVENTIONS "deniedBy" order). */
function deniedBy(analysis, decision, step) {
  if (!analysis) return undefined;
  const res = analysis.resourceAnalysis ? analysis.resourceAnalysis.result : 'NotApplicable';
  const scp = analysis.scpAnalysis ? analysis.scpAnalysis.result : 'Allowed';
  const rcp = analysis.rcpAnalysis ? analysis.rcpAnalysis.result : 'Allowed';
  const id = analysis.identityAnalysis ? analysis.identityAnalysis.result : 'ImplicitlyDenied';
  const pb = analysis.permissionBoundaryAnalysis ? analysis.permissionBoundaryAnalysis.result : undefined;
  const sess = analysis.sessionAnalysis ? analysis.sessionAnalysis.result : undefined;
  if (decision === 'explicitDeny') {
    if (scp === 'ExplicitlyDenied') return 'scp';
    if (rcp === 'ExplicitlyDenied') return 'rcp';
    if (res === 'ExplicitlyDenied' || res === 'DeniedForAccount') return 'resourcePolicy';
    if (id === 'ExplicitlyDenied') return 'identityPolicy';
    if (pb === 'ExplicitlyDenied') return 'permissionsBoundary';
    if (sess === 'ExplicitlyDenied') return 'sessionPolicy';
    return undefined;
  }
  if (decision === 'implicitDeny') {
    const idAllows = id === 'Allowed';
    const resAllows = res === 'Allowed' || res === 'AllowedForAccount';
    if (scp === 'ImplicitlyDenied') return 'scp';
    if (rcp === 'ImplicitlyDenied') return 'rcp';
    if (!analysis.sameAccount || resourcePolicyRequired(step)) {
      if (!resAllows) return 'resourcePolicy';
      if (!idAllows) return 'identityPolicy';
    } else if (!idAllows && res !== 'Allowed') {
      return 'identityPolicy';
    }
    if (pb === 'ImplicitlyDenied') return 'permissionsBoundary';
    if (sess === 'ImplicitlyDenied') return 'sessionPolicy';
    if (!idAllows) return 'identityPolicy';
    return undefined;
  }
  return undefined;
}

const DECISIONS = { Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny' };

async function runEvaluate(e) {
  let simulation;
  try {
    simulation = buildSimulation(e);
  } catch (err) {
    const why = typeof err === 'string' ? err : `policy text is not JSON (${err.message})`;
    return { skipped: true, detail: `iam-simulate cannot express this: ${why}` };
  }
  const out = await sim.runSimulation(simulation, { simulationMode: 'Strict' });
  if (out.resultType === 'error') {
    return { skipped: true, detail: `iam-simulate refused the input: ${out.errors.message}` };
  }
  if (out.resultType === 'wildcard') {
    // A `*` in the request's resource of an action that has resource types: iam-simulate
    // reads it as a pattern and answers for the resources the policies name, which is
    // another question than the case's (one request on the literal resource).
    return { skipped: true, detail: 'iam-simulate reads a * in the request resource as a pattern over resources' };
  }
  const decision = DECISIONS[out.overallResult];
  const result = { decision };
  if (decision !== 'allowed') {
    const by = deniedBy(out.result.analysis, decision, e);
    if (by) result.deniedBy = by;
  }
  return result;
}

// ---------------------------------------------------------------------------------
// request: the world's policies for one request, as an evaluate step

class Inexpressible extends Error {}

function managedPolicies(world, arns) {
  return (arns || []).map((arn) => {
    const doc = (world.policies || {})[arn];
    if (doc === undefined) throw new Inexpressible(`the managed policy ${arn} is not in the world`);
    return doc;
  });
}

function attachedPolicies(world, entity) {
  return Object.values(entity.inlinePolicies || {}).concat(managedPolicies(world, entity.managedPolicies));
}

/** The organization's policy levels of `account` (root first, account last), or undefined. */
function orgLevels(org, kind, account) {
  const path = (org.accounts || {})[account];
  if (!path) return undefined;
  // Neither SCPs nor RCPs apply to the management account (its callers, its resources).
  if (account === org.managementAccount) return undefined;
  return path.concat([account]).map((level) => {
    const docs = (org[kind] || {})[level];
    // A level with no SCP entry has FullAWSAccess only; one with no RCP entry, RCPFullAWSAccess
    // only, which iam-simulate adds at every level itself.
    if (docs !== undefined) return docs;
    return kind === 'scps' ? [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }] : [];
  });
}

/** The evaluate inputs of a request step, from the world (CASE-FORMAT "request"). */
function requestInputs(r, world) {
  if (world.accountAuthorizationDetails) throw new Inexpressible('the adapter does not read accountAuthorizationDetails');
  const user = (world.users || {})[r.as];
  if (!user) throw new Inexpressible(`${r.as} is not an IAM user of the world (iam-simulate issues no sessions)`);
  const e = { principal: r.as, action: r.action, resource: r.resource, context: r.context || {} };
  e.identityPolicies = attachedPolicies(world, user);
  for (const g of user.groups || []) e.identityPolicies.push(...attachedPolicies(world, (world.groups || {})[g] || {}));
  if (user.permissionsBoundary) e.permissionsBoundary = managedPolicies(world, [user.permissionsBoundary])[0];
  const resources = world.resources || {};
  const bucket = String(r.resource).startsWith('arn:aws:s3:::') ? String(r.resource).split('/')[0] : undefined;
  const res = resources[r.resource] || (bucket !== undefined ? resources[bucket] : undefined);
  const role = (world.roles || {})[r.resource];
  if (res && res.policy !== undefined) {
    e.resourcePolicy = res.policy;
    if (res.account) e.resourceAccount = res.account;
  } else if (role && String(r.action).toLowerCase().startsWith('sts:') && role.trustPolicy !== undefined) {
    e.resourcePolicy = role.trustPolicy;
  }
  const org = world.organization;
  if (org) {
    const callerAccount = (arnParts(r.as) || [])[4];
    const scps = orgLevels(org, 'scps', callerAccount);
    if (scps) e.scps = scps;
    const rcps = orgLevels(org, 'rcps', resourceAccount(e));
    if (rcps) e.rcps = rcps;
  }
  return e;
}

async function runRequest(r, world) {
  let e;
  try {
    e = requestInputs(r, world);
  } catch (err) {
    if (err instanceof Inexpressible) return { skipped: true, detail: err.message };
    throw err;
  }
  return runEvaluate(e);
}

// ---------------------------------------------------------------------------------
// parse

const VALIDATORS = {
  identity: policyLib.validateIdentityPolicy,
  boundary: policyLib.validateIdentityPolicy,
  session: policyLib.validateSessionPolicy,
  resource: policyLib.validateResourcePolicy,
  trust: policyLib.validateTrustPolicy,
  scp: policyLib.validateServiceControlPolicy,
  rcp: policyLib.validateResourceControlPolicy
};

/** Maps an iam-policy validation message to the case format's errorKind, where it can. */
function errorKind(message) {
  const rules = [
    [/^Policy must be an object/, 'shape'],
    [/^Statement is required/, 'missing-element'],
    [/^Version must/, 'version'],
    [/^Effect must be present/, 'effect'],
    [/^Effect must be "Deny"/, 'effect'],
    [/^Only one of .* is allowed, found both/, 'conflicting-elements'],
    [/ is not allowed in /, 'forbidden-element'],
    [/^One of .* is required/, 'missing-element'],
    [/ is required in /, 'missing-element'],
    [/^Principal must be/, 'principal'],
    [/^Condition operator is invalid/, 'operator'],
    [/^Condition set operator/, 'operator'],
    [/^Invalid key /, 'shape'],
    [/^Found data type/, 'shape'],
    [/must be a string or array of strings/, 'shape'],
    [/^Must be a string or array of strings/, 'shape'],
    [/^Condition must be an object/, 'shape'],
    [/^Condition operator must be an object/, 'shape'],
    [/cannot be null or undefined/, 'shape']
  ];
  for (const [re, kind] of rules) {
    if (re.test(message)) return kind;
  }
  return undefined;
}

/** The value at a validator path such as `Statement[0].Effect`, or undefined. */
function pathValue(doc, p) {
  let v = doc;
  for (const part of p.split('.').filter(Boolean)) {
    const m = part.match(/^([^[]+)(?:\[(\d+)\])?$/);
    if (!m || v === null || typeof v !== 'object') return undefined;
    v = v[m[1]];
    if (m[2] !== undefined) v = Array.isArray(v) ? v[Number(m[2])] : undefined;
  }
  return v;
}

function runParse(p) {
  const validate = VALIDATORS[p.type];
  if (!validate) return { skipped: true, detail: `no iam-policy validator for type ${p.type}` };
  let doc = p.policy;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (_) {
      return { valid: false, errorKind: 'json' };
    }
  }
  const errors = validate(doc);
  if (errors.length === 0) return { valid: true };
  const first = errors[0];
  let kind = errorKind(first.message);
  // The validator words "element absent" and "element wrong" alike; its path tells them
  // apart: it ends in the element's name only when the element is there.
  const element = (first.message.match(/^(Effect|Principal|Version) must be/) || [])[1];
  if (element && !first.path.endsWith(element)) {
    const notPrincipal = errors.some((e) => e.path === `${first.path}.#NotPrincipal`);
    kind = notPrincipal ? 'forbidden-element' : 'missing-element';
  } else if (element === 'Effect') {
    kind = typeof pathValue(doc, first.path) === 'string' ? 'effect' : 'shape';
  }
  const out = { valid: false, detail: `${first.path}: ${first.message}` };
  if (kind) out.errorKind = kind;
  return out;
}

// ---------------------------------------------------------------------------------
// protocol

async function runCase(c) {
  const results = [];
  for (const step of c.steps || []) {
    try {
      if (step.evaluate) results.push(await runEvaluate(step.evaluate));
      else if (step.parse) results.push(runParse(step.parse));
      else if (step.request) results.push(await runRequest(step.request, c.world || {}));
      else results.push({ skipped: true, detail: 'iam-simulate issues no sessions (assumeRole and STS steps)' });
    } catch (err) {
      results.push({ skipped: true, detail: `iam-simulate threw: ${err && err.message ? err.message : err}` });
    }
  }
  return results;
}

async function handle(line) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    return { errored: true, message: `not JSON: ${e.message}` };
  }
  switch (msg.cmd) {
    case 'start':
      return {
        implementation: { name: '@cloud-copilot/iam-simulate', version: simVersion, language: 'typescript' },
        supports: ['evaluate', 'request', 'parse'],
        // deniedBy and errorKind are given where iam-simulate's answer determines them
        // and left out otherwise: the runner compares only what is given.
        givenFieldsOnly: true
      };
    case 'stop':
      return null;
    case 'run': {
      const c = msg.case || {};
      const steps = c.steps || [];
      if (steps.length > 0 && steps.every((s) => !s.evaluate && !s.parse && !s.request)) {
        return { seq: msg.seq, skipped: true, message: 'iam-simulate issues no sessions (assumeRole and STS steps)' };
      }
      try {
        return { seq: msg.seq, results: await runCase(c) };
      } catch (err) {
        return { seq: msg.seq, errored: true, message: String(err && err.stack ? err.stack : err) };
      }
    }
    default:
      return { errored: true, message: `unknown cmd ${JSON.stringify(msg.cmd)}` };
  }
}

function main() {
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  // Lines are answered strictly in order: each waits for the one before.
  let chain = Promise.resolve();
  rl.on('line', (line) => {
    if (line.trim() === '') return;
    chain = chain.then(async () => {
      const reply = await handle(line);
      if (reply === null) {
        rl.close();
        process.exit(0);
      }
      process.stdout.write(JSON.stringify(reply) + '\n');
    });
  });
  rl.on('close', () => {
    chain.then(() => process.exit(0));
  });
}

if (require.main === module) main();

module.exports = { buildSimulation, runEvaluate, runParse, contextFor };
