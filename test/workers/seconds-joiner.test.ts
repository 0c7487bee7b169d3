import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHistogram, decodeHistogram, encodeHistogram, recordUs } from '../../src/metrics/histogram.js';
import type { SecondSample } from '../../src/metrics/recorder.js';
import { SecondsJoiner } from '../../src/workers/seconds-joiner.js';

/** Second `second` of one worker, with one answer per latency (µs). */
function sample(second: number, latenciesUs: number[], startEpochMs = 1_000_000 + second * 1000): SecondSample {
  const histogram = createHistogram();
  for (const latencyUs of latenciesUs) recordUs(histogram, latencyUs);
  const n = latenciesUs.length;
  return {
    second,
    startEpochMs,
    sent: n,
    completed: n,
    failed: 0,
    dropped: 0,
    errors: {},
    latencyMs: { p50: 0, p99: 0, max: 0 },
    histogram: encodeHistogram(histogram),
  };
}

function joiner(workers: number): { joined: SecondSample[]; joiner: SecondsJoiner } {
  const joined: SecondSample[] = [];
  return { joined, joiner: new SecondsJoiner(workers, (sample) => joined.push(sample)) };
}

describe('joining the seconds of workers', () => {
  test('a second is told once every worker has closed it, in order, with counts and histograms added', () => {
    const { joined, joiner: join } = joiner(3);
    join.offer(0, sample(0, [1000, 2000], 1_000_002));
    join.offer(1, sample(0, [3000], 1_000_001));
    join.offer(1, sample(1, [4000]));
    assert.equal(joined.length, 0);
    join.offer(2, sample(0, [5000, 6000, 7000], 1_000_003));
    assert.deepEqual(
      joined.map((second) => [second.second, second.sent, second.startEpochMs]),
      [[0, 6, 1_000_001]],
    );
    assert.equal(decodeHistogram(joined[0]!.histogram).totalCount, 6);
    assert.equal(joined[0]!.latencyMs.max, 7.003);
    join.offer(2, sample(1, [1000]));
    join.offer(0, sample(1, [1000]));
    assert.deepEqual(
      joined.map((second) => second.sent),
      [6, 3],
    );
  });

  test('the users each worker ran add up, type by type', () => {
    const { joined, joiner: join } = joiner(2);
    join.offer(0, { ...sample(0, [1000]), users: { Reader: 2, Writer: 1 } });
    join.offer(1, { ...sample(0, [1000]), users: { Reader: 1, Writer: 1 } });
    assert.deepEqual(joined[0]!.users, { Reader: 3, Writer: 2 });
  });

  test('a worker that died is no longer waited for, and the seconds it closed still count', () => {
    const { joined, joiner: join } = joiner(2);
    join.offer(0, sample(0, [1000]));
    join.offer(1, sample(0, [1000]));
    join.offer(1, sample(1, [1000, 1000]));
    join.offer(1, sample(2, [1000]));
    assert.deepEqual(
      joined.map((second) => second.sent),
      [2],
    );
    join.offer(0, sample(1, [1000]));
    join.retire(0);
    assert.deepEqual(
      joined.map((second) => [second.second, second.sent]),
      [
        [0, 2],
        [1, 3],
        [2, 1],
      ],
    );
  });
});
