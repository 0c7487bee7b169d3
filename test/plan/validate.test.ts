import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validatePlan } from '../../src/plan/index.js';
import { problemsOf } from '../support/plan.js';

describe('validatePlan', () => {
  test('fills defaults', () => {
    const plan = validatePlan({ target: { url: 'http://127.0.0.1:8080/' }, executor: { type: 'bucket-rate', ratePerSec: 15, durationMs: 1000 } });
    assert.equal(plan.target.method, 'GET');
    assert.deepEqual(plan.target.headers, []);
    assert.equal(plan.connections, 50);
    assert.equal(plan.timeoutMs, 10_000);
    assert.equal(plan.executor.type === 'bucket-rate' && plan.executor.bucketMs, 100);
  });

  test('reports every problem at once, each with its path', () => {
    const problems = problemsOf({
      target: {
        url: 'nope',
        method: 'get',
        headers: [
          ['Bad Name', 'x'],
          ['X-Ok', 'line\nbreak'],
          ['X-Wide', '日本'],
        ],
      },
      executor: { type: 'constant-arrival-rate', ratePerSec: 0, durationMs: 1.5 },
      connections: 0,
    });
    assert.deepEqual(problems, [
      'target.url: not a valid URL: "nope"',
      'target.method: must be an upper-case HTTP method such as GET or POST',
      'target.headers[0][0]: must be a valid HTTP header name',
      'target.headers[1][1]: must hold only tab, visible ASCII or latin1 characters',
      'target.headers[2][1]: must hold only tab, visible ASCII or latin1 characters',
      'executor.ratePerSec: Too small: expected number to be >0',
      'executor.durationMs: Invalid input: expected int, received number',
      'connections: Too small: expected number to be >=1',
    ]);
  });

  test('an unknown executor type names the choices', () => {
    const [problem] = problemsOf({ target: { url: 'http://127.0.0.1/' }, executor: { type: 'warp-speed', durationMs: 1000 } });
    assert.match(problem!, /^executor\.type: /);
  });

  test('body and bodyFile exclude each other', () => {
    assert.deepEqual(problemsOf({ target: { url: 'http://127.0.0.1/', body: 'a', bodyFile: 'b' }, executor: { type: 'max-throughput', durationMs: 1000 } }), [
      'target: give body or bodyFile, not both',
    ]);
  });
});
