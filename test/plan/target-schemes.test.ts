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
    [{ ...tcp, expectBytes: 4, method: 'POST', headers: [['a', 'b']] }, ['target.method: applies only to http://, https:// and h2c:// targets, not tcp://', 'target.headers: applies only to http://, https:// and h2c:// targets, not tcp://']],
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
    [{ url: 'tcp://127.0.0.1:1', expectBytes: 1 }, ['target.payload: tcp:// needs a payload to write for each request']],
    [{ ...tcp }, ['target.expectDelimiter: tcp:// needs exactly one of expectDelimiter and expectBytes, to know where a reply ends']],
    [{ ...tcp, expectDelimiter: '\\n', expectBytes: 2 }, ['target.expectDelimiter: tcp:// needs exactly one of expectDelimiter and expectBytes, to know where a reply ends']],
    [{ ...tcp, expectDelimiter: '' }, ['target.expectDelimiter: must not be empty']],
    [{ ...tcp, payload: 'bad\\x1', expectBytes: 1 }, ['target.payload: "\\x1" is not an escape: \\x takes two hex digits']],
    [{ ...tcp, expectBytes: 0 }, ['target.expectBytes: Too small: expected number to be >=1']],
  ];
  for (const [target, problems] of cases) assert.deepEqual(problemsOf({ target, executor }), problems, JSON.stringify(target));
});
