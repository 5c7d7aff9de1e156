#!/usr/bin/env node
// In-process speed of @cloud-copilot/iam-simulate: decisions per second on a few fixed
// requests, called through its public API (runSimulation, with input validation, as
// the adapter calls it) in a plain loop. No protocol, no JSON lines.
//
//   node scripts/adapters/iam-simulate/bench.js [seconds-per-request]
'use strict';

const { buildSimulation } = require('./adapter.js');
const sim = require('@cloud-copilot/iam-simulate');

const A = '111122223333';
const B = '444455556666';

// The same kind of requests as the evaluator's criterion bench: an identity allow, a
// deny in a boundary, a cross-account grant, a session with a session policy and SCPs.
const REQUESTS = {
  'identity allow': {
    principal: `arn:aws:iam::${A}:user/alice`,
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::bucket-a/key1',
    resourceAccount: A,
    identityPolicies: [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::bucket-a/*' }] }
    ]
  },
  'boundary + conditions': {
    principal: `arn:aws:iam::${A}:user/alice`,
    action: 'iam:GetUser',
    resource: `arn:aws:iam::${A}:user/alice`,
    context: { 'aws:SourceIp': '203.0.113.5', 'aws:PrincipalTag/team': 'eng', 'aws:SecureTransport': 'true' },
    identityPolicies: [
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iam:*', Resource: `arn:aws:iam::${A}:user/\${aws:username}` },
          { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }
        ]
      }
    ],
    permissionsBoundary: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iam:Get*',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:PrincipalTag/team': 'eng' } }
        }
      ]
    }
  },
  'cross-account bucket': {
    principal: `arn:aws:sts::${A}:assumed-role/dev/s1`,
    action: 's3:PutObject',
    resource: 'arn:aws:s3:::bucket-b/key1',
    resourceAccount: B,
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }],
    resourcePolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:role/dev` }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket-b/*' }]
    }
  },
  'session + SCPs': {
    principal: `arn:aws:sts::${A}:assumed-role/dev/s1`,
    action: 'sqs:SendMessage',
    resource: `arn:aws:sqs:us-east-1:${A}:queue-a`,
    context: { 'aws:RequestedRegion': 'us-east-1' },
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }],
    sessionPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }],
    scps: [
      [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }],
      [
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } }
          ]
        }
      ]
    ]
  }
};

async function main() {
  const seconds = Number(process.argv[2] || 2);
  console.log(`@cloud-copilot/iam-simulate in process (node ${process.version}), runSimulation per decision:`);
  let total = 0;
  let totalTime = 0;
  for (const [name, step] of Object.entries(REQUESTS)) {
    const simulation = buildSimulation(step);
    for (let i = 0; i < 200; i++) await sim.runSimulation(simulation, {}); // warm up
    let n = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(Math.round(seconds * 1e9));
    let now = start;
    let last;
    while (now < until) {
      for (let i = 0; i < 50; i++) last = await sim.runSimulation(simulation, {});
      n += 50;
      now = process.hrtime.bigint();
    }
    const elapsed = Number(now - start) / 1e9;
    total += n;
    totalTime += elapsed;
    const result = last.resultType === 'error' ? `error ${last.errors.message}` : last.overallResult;
    console.log(`  ${name.padEnd(24)} ${(n / elapsed).toFixed(0).padStart(8)} decisions/s  (${result})`);
  }
  console.log(`  ${'all'.padEnd(24)} ${(total / totalTime).toFixed(0).padStart(8)} decisions/s`);
}

main();
