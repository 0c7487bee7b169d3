import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHistogram, recordUs } from '../../src/metrics/histogram.js';
import { percentileAxis, percentileLabel, valuesAtPercentilesMs } from '../../src/report/html/percentile-curve.js';

describe('percentileAxis', () => {
  const cases: [count: number, end: number, labels: string[]][] = [
    [0, 10, ['0%', 'max']],
    [7, 10, ['0%', 'max']],
    [400, 1000, ['0%', '90%', '99%', 'max']],
    [1000, 1000, ['0%', '90%', '99%', 'max']],
    [250_000, 1_000_000, ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%', 'max']],
  ];
  for (const [count, end, labels] of cases) {
    test(`${count} values: ends at 1/(1-p) = ${end}, ticks ${labels.join(' ')}`, () => {
      const axis = percentileAxis(count);
      assert.equal(axis.x.at(-1), end);
      assert.equal(axis.percentiles.at(-1), 100);
      assert.deepEqual(axis.ticks.labels, labels);
      assert.deepEqual(
        axis.ticks.at,
        labels.map((_, decade) => 10 ** decade),
      );
      for (let index = 1; index < axis.x.length; index++) {
        assert.ok(axis.x[index]! > axis.x[index - 1]!, `x rises at ${index}`);
        assert.ok(axis.percentiles[index]! > axis.percentiles[index - 1]!, `percentile rises at ${index}`);
      }
    });
  }

  test('holds the named percentiles exactly, once each', () => {
    const { percentiles } = percentileAxis(100_000);
    for (const named of [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99]) {
      assert.equal(percentiles.filter((percentile) => percentile === named).length, 1, `p${named}`);
    }
    assert.ok(percentiles.length > 100 && percentiles.length < 120, `${percentiles.length} points`);
  });
});

describe('valuesAtPercentilesMs', () => {
  test('reads each percentile in ms, from the smallest value to the largest', () => {
    const histogram = createHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordUs(histogram, ms * 1000);
    const axis = percentileAxis(histogram.totalCount);
    const values = valuesAtPercentilesMs(histogram, axis);
    const at = (percentile: number): number => values[axis.percentiles.indexOf(percentile)]!;
    const near = (actual: number, expected: number): boolean => Math.abs(actual - expected) <= expected / 1000;
    assert.ok(near(at(0), 1), `p0 ${at(0)}`);
    assert.ok(near(at(50), 500), `p50 ${at(50)}`);
    assert.ok(near(at(99), 990), `p99 ${at(99)}`);
    assert.ok(near(values.at(-1)!, 1000), `max ${values.at(-1)}`);
    assert.ok(
      values.every((value, index) => index === 0 || value! >= values[index - 1]!),
      'never falls',
    );
  });

  test('an empty histogram has no curve', () => {
    const axis = percentileAxis(0);
    assert.deepEqual(
      valuesAtPercentilesMs(createHistogram(), axis),
      axis.x.map(() => null),
    );
  });
});

test('percentileLabel names a point to two digits of its tail', () => {
  const cases: [number, string][] = [
    [0, 'p0'],
    [50, 'p50'],
    [90, 'p90'],
    [99.60189, 'p99.6'],
    [99.9, 'p99.9'],
    [99.99, 'p99.99'],
    [99.99749, 'p99.9975'],
    [100, 'max'],
  ];
  for (const [percentile, label] of cases) assert.equal(percentileLabel(percentile), label, String(percentile));
});
