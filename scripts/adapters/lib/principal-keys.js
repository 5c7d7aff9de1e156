// The request-context keys that follow from the principal, which CASE-FORMAT.md says
// the implementation derives (aws:PrincipalArn, aws:PrincipalAccount,
// aws:PrincipalType, aws:username, aws:userid). Shared by the Node adapters whose peer
// expects its caller to pass them in the context.
'use strict';

/** Parses an ARN into its six components, or null. */
function arnParts(arn) {
  if (typeof arn !== 'string' || !arn.startsWith('arn:')) return null;
  const parts = arn.split(':');
  if (parts.length < 6) return null;
  return [parts[0], parts[1], parts[2], parts[3], parts[4], parts.slice(5).join(':')];
}

/** The principal keys of a principal ARN (only those its ARN determines). */
function principalKeys(principal) {
  const p = arnParts(principal);
  if (!p) return {};
  const [, partition, service, , account, resource] = p;
  const keys = {};
  if (service === 'iam' && resource === 'root') {
    keys['aws:PrincipalArn'] = principal;
    keys['aws:PrincipalAccount'] = account;
    keys['aws:PrincipalType'] = 'Account';
    keys['aws:userid'] = account;
  } else if (service === 'iam' && resource.startsWith('user/')) {
    keys['aws:PrincipalArn'] = principal;
    keys['aws:PrincipalAccount'] = account;
    keys['aws:PrincipalType'] = 'User';
    keys['aws:username'] = resource.split('/').pop();
  } else if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const [, role] = resource.split('/');
    keys['aws:PrincipalArn'] = `arn:${partition}:iam::${account}:role/${role}`;
    keys['aws:PrincipalAccount'] = account;
    keys['aws:PrincipalType'] = 'AssumedRole';
  } else if (service === 'sts' && resource.startsWith('federated-user/')) {
    keys['aws:PrincipalArn'] = principal;
    keys['aws:PrincipalAccount'] = account;
    keys['aws:PrincipalType'] = 'FederatedUser';
    keys['aws:userid'] = `${account}:${resource.slice('federated-user/'.length)}`;
  }
  return keys;
}

/** The case's context with the principal keys added where it does not set them. */
function withPrincipalKeys(principal, context, convert) {
  const out = {};
  const seen = new Set();
  for (const [k, v] of Object.entries(context || {})) {
    out[k] = convert(v);
    seen.add(k.toLowerCase());
  }
  for (const [k, v] of Object.entries(principalKeys(principal))) {
    if (!seen.has(k.toLowerCase())) out[k] = v;
  }
  return out;
}

module.exports = { arnParts, principalKeys, withPrincipalKeys };
