import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { Recorder, type SecondSample } from '../../src/metrics/recorder.js';
import { addSeconds } from '../../src/result/merge-series.js';

const START_US = 5_000_000;
const EPOCH_MS = 1_700_000_000_000;

describe('Recorder', () => {
  test('closing a second never calls onSecond from inside a record call', () => {
    const seen: SecondSample[] = [];
    const recorder = new Recorder(START_US, EPOCH_MS, (sample) => seen.push(sample));
    recorder.recordSent(START_US + 100, START_US);
    recorder.recordResponse(START_US, START_US + 100, START_US + 2_000, 200);
    recorder.recordSent(START_US + 1_000_100, START_US + 1_000_000); // crosses into second 1
    assert.equal(seen.length, 0, 'the listener waits for publishClosedSeconds');
    recorder.publishClosedSeconds();
    assert.equal(seen.length, 1);
    assert.deepEqual(
      { ...seen[0]!, histogram: undefined },
      {
        second: 0,
        startEpochMs: EPOCH_MS,
        sent: 1,
        completed: 1,
        failed: 0,
        dropped: 0,
        errors: {},
        latencyMs: { p50: 2, p99: 2, max: 2 },
        histogram: undefined,
        uncorrectedMeanMs: 1.9,
      },
    );
    assert.equal(decodeHistogram(seen[0]!.histogram).totalCount, 1);
  });

  test("when asked, each announced second carries its answers' uncorrected latencies, which the series keeps out of the result", () => {
    const announced: SecondSample[] = [];
    const recorder = new Recorder(START_US, EPOCH_MS, (sample) => announced.push(sample));
    recorder.announceUncorrected();
    // Values below 2,048 µs, which HdrHistogram keeps exactly. Second 0: answers 1,000 and 1,500 µs after they were sent
    // (1,500 and 1,700 µs after they were due); second 1: one 900 µs after it was sent.
    recorder.recordResponse(START_US, START_US + 500, START_US + 1_500, 200);
    recorder.recordResponse(START_US, START_US + 200, START_US + 1_700, 200);
    recorder.recordResponse(START_US + 1_000_000, START_US + 1_000_300, START_US + 1_001_200, 500);
    const series = recorder.finish(START_US + 1_500_000);
    const uncorrected = announced.map(({ uncorrectedHistogram }) => decodeHistogram(uncorrectedHistogram!));
    assert.deepEqual(
      uncorrected.map((histogram) => [histogram.totalCount, histogram.maxValue]),
      [
        [2, 1_500],
        [1, 900],
      ],
    );
    assert.equal(decodeHistogram(announced[0]!.histogram).maxValue, 1_700, 'the corrected latency counts from the intended time');
    assert.deepEqual(
      series.map((sample) => 'uncorrectedHistogram' in sample),
      [false, false],
    );
    // Seconds joined live (workers, scenarios) add them up.
    const joined = addSeconds(0, EPOCH_MS, announced);
    assert.equal(decodeHistogram(joined.uncorrectedHistogram!).totalCount, 3);
    assert.equal(addSeconds(0, EPOCH_MS, series).uncorrectedHistogram, undefined);
  });

  test('unasked, no second carries uncorrected latencies', () => {
    const announced: SecondSample[] = [];
    const recorder = new Recorder(START_US, EPOCH_MS, (sample) => announced.push(sample));
    recorder.recordResponse(START_US, START_US, START_US + 1_000, 200);
    recorder.finish(START_US + 1_500_000);
    assert.equal(announced.length, 1);
    assert.equal(announced[0]!.uncorrectedHistogram, undefined);
  });

  test('every second is kept, empty ones included, with counts in the second they happened', () => {
    const recorder = new Recorder(START_US, EPOCH_MS);
    recorder.recordSent(START_US + 500_000, START_US + 500_000);
    recorder.recordFailure(START_US + 2_500_000, START_US + 2_500_000, 'timeout');
    recorder.recordDropped(START_US + 2_600_000, 3, 'queueFull');
    const series = recorder.finish(START_US + 2_700_000);
    assert.deepEqual(
      series.map(({ second, sent, failed, dropped, errors }) => ({ second, sent, failed, dropped, errors })),
      [
        { second: 0, sent: 1, failed: 0, dropped: 0, errors: {} },
        { second: 1, sent: 0, failed: 0, dropped: 0, errors: {} },
        { second: 2, sent: 0, failed: 1, dropped: 3, errors: { timeout: 1, dropped: 3 } },
      ],
    );
    assert.deepEqual(recorder.measured.totals().droppedBy, { queueFull: 3, lateBatch: 0, unsentAtEnd: 0 });
  });

  test('max is the top of its bucket, as HdrHistogram reports it: no percentile exceeds it, and decoding keeps it', () => {
    const recorder = new Recorder(START_US, EPOCH_MS);
    for (const latencyUs of [41_600, 41_600, 1000]) recorder.recordResponse(START_US, START_US, START_US + latencyUs, 200);
    const [sample] = recorder.finish(START_US + 900_000);
    assert.equal(sample!.latencyMs.max, 41.631, '41,600 µs lies in the bucket 41,600–41,631 µs');
    assert.equal(sample!.latencyMs.p99, 41.631);
    assert.equal(decodeHistogram(sample!.histogram).maxValue / 1000, sample!.latencyMs.max);
  });
});
