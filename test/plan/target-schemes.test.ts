import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { problemsOf } from '../support/plan.js';

const executor = { type: 'constant-arrival-rate', ratePerSec: 10, durationMs: 1000 } as const;
const tcp = { url: 'tcp://127.0.0.1:9000', payload: 'PING\\n' };

test('http://, https:// and tcp:// targets validate with their own fields', () => {
  assert.equal(validatePlan({ target: { url: 'https://example.test/', insecure: true, caFile: 'ca.pem' }, executor }).target.insecure, true);
  const plan = validatePlan({ target: { ...tcp, expectDelimiter: '\\n' }, executor });
  assert.equal(plan.target.payload, 'PING\\n');
  assert.equal(validatePlan({ target: { ...tcp, expectBytes: 5 }, executor }).target.expectBytes, 5);
});

test('each scheme refuses the fields of another, naming each by path', () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [
      { ...tcp, expectBytes: 4, method: 'POST', headers: [['a', 'b']] },
      [
        'target.method: applies only to http://, https:// and h2c:// targets, not tcp://',
        'target.headers: applies only to http://, https:// and h2c:// targets, not tcp://',
      ],
    ],
    [{ ...tcp, expectBytes: 4, bodyFile: 'x' }, ['target.bodyFile: applies only to http://, https:// and h2c:// targets, not tcp://']],
    [{ ...tcp, expectBytes: 4, caFile: 'ca.pem' }, ['target.caFile: applies only to https:// targets, not tcp://']],
    [{ url: 'http://127.0.0.1/', insecure: true }, ['target.insecure: applies only to https:// targets, not http://']],
    [{ url: 'https://127.0.0.1/', expectBytes: 3 }, ['target.expectBytes: applies only to tcp:// targets, not https://']],
  ];
  for (const [target, problems] of cases) assert.deepEqual(problemsOf({ target, executor }), problems, JSON.stringify(target));
});

test('tcp:// needs a port, a payload, and exactly one way to end a reply', () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ url: 'tcp://127.0.0.1', payload: 'x', expectBytes: 1 }, ['target.url: tcp:// needs a port: "tcp://127.0.0.1"']],
    [{ url: 'tcp://127.0.0.1:1', expectBytes: 1 }, ['target.payload: tcp:// needs a payload (or payloadFile) to write for each request']],
    [{ ...tcp }, ['target.expectDelimiter: tcp:// needs exactly one of expectDelimiter and expectBytes, to know where a reply ends']],
    [
      { ...tcp, expectDelimiter: '\\n', expectBytes: 2 },
      ['target.expectDelimiter: tcp:// needs exactly one of expectDelimiter and expectBytes, to know where a reply ends'],
    ],
    [{ ...tcp, expectDelimiter: '' }, ['target.expectDelimiter: must not be empty']],
    [{ ...tcp, payload: 'bad\\x1', expectBytes: 1 }, ['target.payload: "\\x1" is not an escape: \\x takes two hex digits']],
    [{ ...tcp, expectBytes: 0 }, ['target.expectBytes: Too small: expected number to be >=1']],
  ];
  for (const [target, problems] of cases) assert.deepEqual(problemsOf({ target, executor }), problems, JSON.stringify(target));
});

const grpc = { url: 'grpc://127.0.0.1:50051', proto: 'worker.proto', call: 'salvo.worker.Worker/Spin' };

test('grpc:// validates with its own fields, durations included', () => {
  const plan = validatePlan({
    target: { ...grpc, data: '{"ms": {{randomInt 1 9}}}', metadata: [['X-Tenant', 'a']], deadlineMs: '250ms', streams: 8 },
    executor,
  });
  assert.deepEqual(
    [plan.target.data, plan.target.metadata, plan.target.deadlineMs, plan.target.streams],
    ['{"ms": {{randomInt 1 9}}}', [['X-Tenant', 'a']], 250, 8],
  );
});

test('grpc:// needs a port, a proto and a call, takes no path, and its fields fit no other scheme', () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ url: 'grpc://127.0.0.1', proto: 'p', call: 'a.B/C' }, ['target.url: grpc:// needs a port: "grpc://127.0.0.1"']],
    [{ ...grpc, url: 'grpc://127.0.0.1:1/a.B/C' }, ['target.url: grpc:// takes no path: the method goes in call ("grpc://127.0.0.1:1/a.B/C")']],
    [
      { url: 'grpc://127.0.0.1:1' },
      ['target.proto: grpc:// needs the .proto file that declares the method', 'target.call: grpc:// needs the method to call, "package.Service/Method"'],
    ],
    [{ ...grpc, call: 'Spin' }, ['target.call: must be "package.Service/Method"']],
    [
      {
        ...grpc,
        metadata: [
          ['bad name', 'x'],
          ['grpc-timeout', '1S'],
          ['ok', 'caf\u00e9'],
        ],
      },
      [
        'target.metadata[0][0]: must be a gRPC metadata name (letters, digits, _ . -)',
        'target.metadata[1][0]: grpc- names are reserved by gRPC',
        'target.metadata[2][1]: must hold only visible ASCII and spaces (binary -bin values in base64)',
      ],
    ],
    [{ ...grpc, deadlineMs: 0 }, ['target.deadlineMs: Too small: expected number to be >0']],
    [
      { ...grpc, method: 'POST', body: 'x' },
      [
        'target.method: applies only to http://, https:// and h2c:// targets, not grpc://',
        'target.body: applies only to http://, https:// and h2c:// targets, not grpc://',
      ],
    ],
    [
      { url: 'h2c://127.0.0.1:1/', data: '{}', deadlineMs: 5 },
      ['target.data: applies only to grpc:// targets, not h2c://', 'target.deadlineMs: applies only to grpc:// targets, not h2c://'],
    ],
    [{ ...tcp, expectBytes: 1, proto: 'p' }, ['target.proto: applies only to grpc:// targets, not tcp://']],
  ];
  for (const [target, problems] of cases) assert.deepEqual(problemsOf({ target, executor }), problems, JSON.stringify(target));
});

test('several targets: urls of the same scheme with positive weights, weight only beside urls, none for virtual users', () => {
  const plan = validatePlan({ target: { url: 'http://127.0.0.1:1/', weight: 1, urls: [{ url: 'http://127.0.0.1:2/a', weight: 3 }] }, executor });
  assert.deepEqual(plan.target.urls, [{ url: 'http://127.0.0.1:2/a', weight: 3 }]);
  const cases: [Record<string, unknown>, string[]][] = [
    [{ url: 'http://127.0.0.1:1/', weight: 2 }, ['target.weight: weight applies only with urls, to share requests among several targets']],
    [
      { url: 'http://127.0.0.1:1/', urls: [{ url: 'h2c://127.0.0.1:2/' }] },
      ['target.urls[0].url: every target speaks the same protocol: h2c://127.0.0.1:2/ is not http://'],
    ],
    [{ url: 'http://127.0.0.1:1/', urls: [] }, ['target.urls: Too small: expected array to have >=1 items']],
    [{ url: 'http://127.0.0.1:1/', urls: [{ url: 'http://127.0.0.1:2/', weight: 0 }] }, ['target.urls[0].weight: Too small: expected number to be >0']],
  ];
  for (const [target, problems] of cases) assert.deepEqual(problemsOf({ target, executor }), problems, JSON.stringify(target));
  const users = problemsOf({
    target: { url: 'http://127.0.0.1:1/', urls: [{ url: 'http://127.0.0.1:2/' }] },
    executor: { type: 'constant-vus', vus: 1, durationMs: 1000 },
    userTypes: [{ name: 'u', tasks: [{ name: 't', request: { url: '/' }, weight: 1 }], minWaitMs: 1, maxWaitMs: 2 }],
  });
  assert.ok(
    users.some((problem) => problem.startsWith('target.urls: virtual users send to one target')),
    users.join('\n'),
  );
});
