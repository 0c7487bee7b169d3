import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStartAt, StartAtError, startAtRecord, waitUntil } from '../../src/time/start-at.js';

describe('start-at', () => {
  const nowMs = Date.parse('2026-11-23T08:00:00Z');

  test('reads an ISO instant with a zone', () => {
    assert.equal(parseStartAt('2026-11-23T08:00:05Z', nowMs), nowMs + 5000);
    assert.equal(parseStartAt('2026-11-23T09:00:01.250+01:00', nowMs), nowMs + 1250);
  });

  for (const text of ['2026-11-23T07:59:59Z', '2026-11-23T08:00:00Z', 'tomorrow', '2026-11-23T08:00:05', '2026-11-23', '2026-13-40T08:00:05Z', '']) {
    test(`refuses "${text}"`, () => assert.throws(() => parseStartAt(text, nowMs), StartAtError));
  }

  test('waitUntil sleeps on timers until the instant', async () => {
    const atMs = Date.now() + 120;
    await waitUntil(atMs);
    const lateMs = Date.now() - atMs;
    assert.ok(lateMs >= 0 && lateMs < 50, `late by ${lateMs} ms`);
  });

  test('waitUntil waits again when the clock says it is not yet time', async () => {
    const readings = [1000, 990, 1001];
    let calls = 0;
    await waitUntil(1000.5, () => readings[calls++]! - 0);
    assert.equal(calls, 3);
  });

  test('the record holds the requested instant and the skew', () => {
    assert.deepEqual(startAtRecord(nowMs, '2026-11-23T08:00:00.004Z'), { requested: '2026-11-23T08:00:00.000Z', skewMs: 4 });
  });
});
