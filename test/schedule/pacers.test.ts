import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BucketPacer, ConstantPacer, PoissonPacer, RampingPacer, RebasedPacer, ShardedPacer, seededRandom, type Pacer } from '../../src/schedule/index.js';
import { pacerFor } from '../../src/runner/runtimes.js';

const SECOND_US = 1_000_000;

/** How many requests of `pacer` are due strictly before `windowUs` (asked in order, as an executor does). */
function countBefore(pacer: Pacer, windowUs: number): number {
  let index = 0;
  while (pacer.dueUs(index) < windowUs) index++;
  return index;
}

describe('ConstantPacer', () => {
  const cases = [
    { rate: 1, windowUs: 10 * SECOND_US, count: 10 },
    { rate: 10, windowUs: 1 * SECOND_US, count: 10 },
    { rate: 500, windowUs: 2 * SECOND_US, count: 1000 },
    { rate: 1000, windowUs: 1 * SECOND_US, count: 1000 },
    { rate: 1000, windowUs: 1500, count: 2 },
    { rate: 20_000, windowUs: SECOND_US / 2, count: 10_000 },
    { rate: 0.5, windowUs: 10 * SECOND_US, count: 5 },
    { rate: 0.5, windowUs: 10 * SECOND_US + 1, count: 6 },
  ];

  for (const { rate, windowUs, count } of cases) {
    test(`${rate} req/s over ${windowUs} µs: exactly ${count} due, evenly spaced, deadline Infinity`, () => {
      const pacer: Pacer = new ConstantPacer(rate);
      assert.equal(countBefore(new ConstantPacer(rate), windowUs), count);
      const gapUs = SECOND_US / rate;
      assert.equal(pacer.dueUs(0), 0);
      for (let index = 1; index <= count; index++) {
        const gap = pacer.dueUs(index) - pacer.dueUs(index - 1);
        assert.ok(Math.abs(gap - gapUs) <= 1e-6, `gap ${index}: ${gap} ≠ ${gapUs}`);
        assert.equal(pacer.deadlineUs(index), Infinity);
      }
    });

    test(`${rate} req/s: no drift at index 1e6`, () => {
      const pacer = new ConstantPacer(rate);
      const index = 1_000_000;
      const exact = (index * SECOND_US) / rate;
      assert.ok(Math.abs(pacer.dueUs(index) - exact) <= Number.EPSILON * exact, `${pacer.dueUs(index)} ≠ ${exact}`);
      assert.equal(pacer.dueUs(index), exact); // these rates have exact binary intervals
    });
  }

  test('can be asked out of order: due times depend on the index only', () => {
    const pacer = new ConstantPacer(250);
    assert.equal(pacer.dueUs(10), 40_000);
    assert.equal(pacer.dueUs(3), 12_000);
    assert.equal(pacer.dueUs(10), 40_000);
  });

  // Rates whose interval 1e6/rate is not exact in binary: index·(1e6/rate) can round below 1e6 at
  // index = rate, so one request too many is due inside one second (29 req/s → 30 in 1 s).
  test('N req/s over 1 s is exactly N due, for rates with inexact intervals', () => {
    for (const rate of [3, 7, 29, 43, 47, 97, 333]) {
      assert.equal(countBefore(new ConstantPacer(rate), SECOND_US), rate, `${rate} req/s`);
      assert.equal(new ConstantPacer(rate).dueUs(rate), SECOND_US, `request ${rate} at ${rate} req/s`);
    }
  });
});

describe('PoissonPacer', () => {
  const ARRIVALS = 100_000;
  const cases = [
    { rate: 1000, seed: 1 },
    { rate: 50, seed: 42 },
    { rate: 20_000, seed: 0xdeadbeef },
    { rate: 0.5, seed: 7 },
  ];

  function dueTimes(rate: number, seed: number, count: number): Float64Array {
    const pacer = new PoissonPacer(rate, seed);
    const times = new Float64Array(count);
    for (let index = 0; index < count; index++) times[index] = pacer.dueUs(index);
    return times;
  }

  for (const { rate, seed } of cases) {
    test(`${rate} req/s, seed ${seed}: exponential gaps with mean 1/rate, monotonic, deadline Infinity`, () => {
      const times = dueTimes(rate, seed, ARRIVALS);
      const meanGapUs = SECOND_US / rate;
      let previous = 0;
      let sum = 0;
      const gaps = new Float64Array(ARRIVALS);
      for (let index = 0; index < ARRIVALS; index++) {
        const gap = times[index]! - previous;
        assert.ok(gap >= 0, `arrival ${index} went back in time by ${-gap} µs`);
        gaps[index] = gap;
        sum += gap;
        previous = times[index]!;
      }
      const mean = sum / ARRIVALS;
      let squares = 0;
      for (const gap of gaps) squares += (gap - mean) ** 2;
      const variance = squares / (ARRIVALS - 1);
      assert.ok(Math.abs(mean - meanGapUs) <= 0.02 * meanGapUs, `mean gap ${mean} vs ${meanGapUs}`);
      assert.ok(Math.abs(variance - mean ** 2) <= 0.05 * mean ** 2, `variance ${variance} vs mean² ${mean ** 2}`);
      // The first arrival also waits a gap: a Poisson process started at 0 has nothing at 0.
      assert.ok(times[0]! > 0);
      assert.equal(new PoissonPacer(rate, seed).deadlineUs(), Infinity);
    });
  }

  test('same seed → identical sequence; different seed → different sequence', () => {
    const a = dueTimes(1000, 12345, 10_000);
    const b = dueTimes(1000, 12345, 10_000);
    const c = dueTimes(1000, 12346, 10_000);
    assert.deepEqual(a, b);
    let differing = 0;
    for (let index = 0; index < a.length; index++) if (a[index] !== c[index]) differing++;
    assert.equal(differing, a.length);
  });

  test('asking the same index again returns the same time; going back throws', () => {
    const pacer = new PoissonPacer(100, 3);
    const fifth = pacer.dueUs(5);
    assert.equal(pacer.dueUs(5), fifth); // the executor may re-read the current one
    assert.throws(() => pacer.dueUs(4), RangeError);
    assert.throws(() => pacer.dueUs(0), RangeError);
    assert.ok(pacer.dueUs(6) > fifth);
  });

  test('skipping ahead gives the same times as asking every index', () => {
    const stepped = dueTimes(500, 9, 1001);
    assert.equal(new PoissonPacer(500, 9).dueUs(1000), stepped[1000]);
  });

  test('scales with the rate: the same seed at twice the rate is twice as fast', () => {
    const slow = dueTimes(100, 77, 1000);
    const fast = dueTimes(200, 77, 1000);
    for (let index = 0; index < 1000; index++) {
      assert.ok(Math.abs(slow[index]! - 2 * fast[index]!) <= 1e-6 * slow[index]!, `arrival ${index}`);
    }
  });
});

describe('seededRandom', () => {
  test('uniform on [0, 1), reproducible from its seed', () => {
    const a = seededRandom(99);
    const b = seededRandom(99);
    let sum = 0;
    for (let index = 0; index < 100_000; index++) {
      const value = a();
      assert.equal(value, b());
      assert.ok(value >= 0 && value < 1, `value ${value}`);
      sum += value;
    }
    assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01, `mean ${sum / 100_000}`);
    assert.notEqual(seededRandom(1)(), seededRandom(2)());
  });

  test('seeds are taken as unsigned 32-bit', () => {
    assert.equal(seededRandom(-1)(), seededRandom(0xffffffff)());
    assert.equal(seededRandom(2 ** 32 + 5)(), seededRandom(5)());
  });
});

describe('BucketPacer', () => {
  const cases: { rate: number; bucketMs: number; batch: (bucket: number) => number; name: string }[] = [
    { name: '1 req/s: one in buckets 0, 10, 20, …', rate: 1, bucketMs: 100, batch: (k) => (k % 10 === 0 ? 1 : 0) },
    { name: '10 req/s: exactly one per bucket', rate: 10, bucketMs: 100, batch: () => 1 },
    { name: '15 req/s: 2, 1, 2, 1, …', rate: 15, bucketMs: 100, batch: (k) => (k % 2 === 0 ? 2 : 1) },
    { name: '0.5 req/s: one every 20th bucket', rate: 0.5, bucketMs: 100, batch: (k) => (k % 20 === 0 ? 1 : 0) },
    { name: '2.5k req/s: 250 each', rate: 2500, bucketMs: 100, batch: () => 250 },
    { name: '7 req/s: 1, 1, 1, 0, 1, 1, 0, 1, 1, 0', rate: 7, bucketMs: 100, batch: (k) => [1, 1, 1, 0, 1, 1, 0, 1, 1, 0][k % 10]! },
    { name: '3 req/s in 1 s buckets: 3 each', rate: 3, bucketMs: 1000, batch: () => 3 },
    { name: '15 req/s in 250 ms buckets: 4, 4, 4, 3', rate: 15, bucketMs: 250, batch: (k) => (k % 4 === 3 ? 3 : 4) },
  ];
  const WINDOW_US = 10 * SECOND_US;

  for (const { name, rate, bucketMs, batch } of cases) {
    test(`${name}; due at bucket start, deadline at bucket end; ${rate * 10} in 10 s`, () => {
      const bucketUs = bucketMs * 1000;
      const pacer = new BucketPacer(rate, bucketUs);
      const buckets = WINDOW_US / bucketUs;
      const seen = new Array<number>(buckets).fill(0);
      let index = 0;
      for (let due = pacer.dueUs(index); due < WINDOW_US; due = pacer.dueUs(++index)) {
        assert.equal(due % bucketUs, 0, `request ${index} due at ${due}, not a bucket start`);
        assert.equal(pacer.deadlineUs(index), due + bucketUs, `request ${index} deadline`);
        seen[due / bucketUs]!++;
      }
      assert.equal(index, rate * 10, 'requests due in 10 s');
      assert.deepEqual(
        seen,
        Array.from({ length: buckets }, (_, k) => batch(k)),
      );
    });
  }

  test('totals stay exact over long runs (no float creep in the bucket boundaries)', () => {
    for (const rate of [0.3, 0.7, 1.1, 3, 7, 15, 33.3, 999]) {
      const pacer = new BucketPacer(rate, 100_000);
      const windowUs = 1000 * SECOND_US;
      assert.equal(countBefore(pacer, windowUs), Math.round(rate * 1000), `${rate} req/s over 1000 s`);
    }
  });

  test('sends exactly rate × duration: the bucket the end cuts holds only its share', () => {
    const batches = (pacer: BucketPacer): Map<number, number> => {
      const seen = new Map<number, number>();
      for (let index = 0, due = pacer.dueUs(0); due !== Infinity; due = pacer.dueUs(++index)) seen.set(due, (seen.get(due) ?? 0) + 1);
      return seen;
    };
    assert.deepEqual(
      [...batches(new BucketPacer(1000, SECOND_US, 1.5 * SECOND_US))],
      [
        [0, 1000],
        [SECOND_US, 500],
      ],
    );
    assert.deepEqual([...batches(new BucketPacer(50, 3600 * SECOND_US, 300_000))], [[0, 15]]);
    assert.deepEqual(
      [...batches(new BucketPacer(15, 100_000, SECOND_US))].map(([, count]) => count),
      [2, 1, 2, 1, 2, 1, 2, 1, 2, 1],
    );
    for (const rate of [0.3, 7, 15, 999])
      assert.equal(
        batches(new BucketPacer(rate, 100_000, 10_050_000)).size > 0
          ? [...batches(new BucketPacer(rate, 100_000, 10_050_000)).values()].reduce((a, b) => a + b)
          : 0,
        Math.ceil(rate * 10.05 - 1e-9),
        `${rate} req/s for 10.05 s`,
      );
  });

  test('asking for a request of an earlier bucket throws', () => {
    const pacer = new BucketPacer(10, 100_000);
    assert.equal(pacer.dueUs(5), 500_000);
    assert.equal(pacer.dueUs(5), 500_000);
    assert.throws(() => pacer.dueUs(4), RangeError);
  });
});

describe('RebasedPacer', () => {
  test('continues indices from a start index with a new constant rate at a start time', () => {
    const pacer = new RebasedPacer(new ConstantPacer(20), 250_000, 3);
    assert.deepEqual(
      [3, 4, 5, 10].map((index) => pacer.dueUs(index)),
      [250_000, 300_000, 350_000, 600_000],
    );
    assert.equal(pacer.deadlineUs(7), Infinity);
  });

  test('rebases a bucket pacer: its buckets start at the start time', () => {
    const pacer = new RebasedPacer(new BucketPacer(15, 100_000), 1_230_000, 40);
    const due = [40, 41, 42, 43, 44].map((index) => pacer.dueUs(index));
    assert.deepEqual(due, [1_230_000, 1_230_000, 1_330_000, 1_430_000, 1_430_000]);
    assert.equal(pacer.deadlineUs(44), 1_530_000);
  });

  test('rebases a poisson pacer: the same sequence shifted by the start time', () => {
    const pacer = new RebasedPacer(new PoissonPacer(100, 5), 2_000_000, 17);
    const reference = new PoissonPacer(100, 5);
    for (let index = 17; index < 1017; index++) {
      assert.equal(pacer.dueUs(index), 2_000_000 + reference.dueUs(index - 17));
    }
  });
});

describe('pacerFor', () => {
  const cases = [
    {
      executor: { type: 'constant-arrival-rate', ratePerSec: 1, durationMs: 1000 } as const,
      rate: 4,
      expect: [0, 250_000, 500_000],
    },
    {
      executor: { type: 'bucket-rate', ratePerSec: 1, durationMs: 1000, bucketMs: 50 } as const,
      rate: 30,
      // r = 1.5 per 50 ms bucket: 2, 1, 2
      expect: [0, 0, 50_000, 100_000, 100_000],
    },
  ];
  for (const { executor, rate, expect } of cases) {
    test(`${executor.type} at the rate it is given (not the plan's)`, () => {
      const pacer = pacerFor(executor, rate);
      assert.deepEqual(
        expect.map((_, index) => pacer.dueUs(index)),
        expect,
      );
    });
  }

  test('poisson-arrival-rate uses the plan seed', () => {
    const pacer = pacerFor({ type: 'poisson-arrival-rate', ratePerSec: 1, durationMs: 1000, seed: 31 }, 250);
    const reference = new PoissonPacer(250, 31);
    for (let index = 0; index < 100; index++) assert.equal(pacer.dueUs(index), reference.dueUs(index));
  });
});

describe('countDueBefore: what stepping through the schedule would count, at once', () => {
  /** Each pacer, and its first index (a rebased pacer continues a run's numbering). */
  const pacers: [string, () => Pacer, number][] = [
    ['constant 7/s', () => new ConstantPacer(7), 0],
    ['constant 1e6/s', () => new ConstantPacer(1e6), 0],
    ['bucket 15/s in 100 ms, 2.35 s', () => new BucketPacer(15, 100_000, 2_350_000), 0],
    [
      'ramp 0 → 50 → 10',
      () =>
        new RampingPacer(0, [
          { targetRatePerSec: 50, durationMs: 1000 },
          { targetRatePerSec: 10, durationMs: 1500 },
        ]),
      0,
    ],
    ['rebased constant', () => new RebasedPacer(new ConstantPacer(20), 250_000, 3), 3],
    ['shard 2 of 3 of a bucket', () => new ShardedPacer(new BucketPacer(30, 100_000), 1, 3), 0],
  ];
  for (const [name, make, first] of pacers) {
    test(name, () => {
      for (const us of [0, 1, 99_999, 100_000, 100_001, 250_000, 333_333, 1_000_000, 2_349_999, 2_500_000]) {
        const stepped = make();
        let index = first;
        while (stepped.dueUs(index) < us) index++;
        assert.equal(make().countDueBefore!(us), index, `before ${us} µs`);
      }
    });
  }
});
