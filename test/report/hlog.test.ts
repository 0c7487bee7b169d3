import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HistogramLogReader } from 'hdr-histogram-js';
import { encodeHistogram } from '../../src/metrics/histogram.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { seriesHlog } from '../../src/report/hlog.js';

const START_MS = Date.UTC(2026, 10, 23, 10, 0, 0, 250);

/** A 2.4 s run through the real recorder: three answers in second 0, none in second 1, four in second 2. */
function recordedRun() {
  const recorder = new Recorder(0, START_MS);
  const answer = (intendedUs: number, latencyUs: number, status = 200): void =>
    recorder.recordResponse(intendedUs, intendedUs + latencyUs / 2, intendedUs + latencyUs, status);
  answer(100_000, 120);
  answer(200_000, 250);
  answer(300_000, 5001); // above 2048 µs buckets are wider: 5001 decodes as 5003
  answer(2_100_000, 900);
  answer(2_150_000, 1000);
  answer(2_200_000, 1000);
  answer(2_250_000, 70_000, 500); // 70,000 µs reads as 70,015, the top of its bucket
  recorder.recordFailure(2_300_000, 2_300_000, 'timeout');
  return {
    tool: { name: 'salvo' as const, version: '9.9.9', node: process.version },
    startedAt: new Date(START_MS).toISOString(),
    durationMs: 2400,
    series: recorder.finish(2_400_000),
  };
}

const intervalLines = (text: string): string[][] =>
  text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('"'))
    .map((line) => line.split(','));

describe('seriesHlog', () => {
  test("HdrHistogram's log reader reads back every second with its exact counts and max", () => {
    const run = recordedRun();
    assert.equal(run.series.length, 3);
    const reader = new HistogramLogReader(seriesHlog(run));
    const expectedCounts = [3, 0, 4];
    run.series.forEach((sample, index) => {
      const interval = reader.nextIntervalHistogram();
      assert.ok(interval, `interval ${index}`);
      assert.equal(interval.totalCount, expectedCounts[index]);
      assert.equal(encodeHistogram(interval), sample.histogram, `second ${index}: the result's own histogram`);
      assert.equal(Math.round(interval.startTimeStampMsec), sample.startEpochMs);
    });
    assert.equal(reader.nextIntervalHistogram(), null);
  });

  test('Interval_Max is the max in ms (the top of its bucket, as HdrHistogram reports it); the last, partial second has its true length', () => {
    const run = recordedRun();
    const lines = intervalLines(seriesHlog(run));
    assert.deepEqual(
      lines.map(([start, length, max]) => [start, length, max]),
      [
        ['0.000', '1.000', '5.003'],
        ['1.000', '1.000', '0.000'],
        ['2.000', '0.400', '70.015'],
      ],
    );
    assert.deepEqual(
      lines.map(([, , max]) => Number(max)),
      run.series.map((sample) => sample.latencyMs.max),
    );
  });

  test('the header is the standard one: version, StartTime, BaseTime, legend', () => {
    const text = seriesHlog(recordedRun());
    const startSec = (START_MS / 1000).toFixed(3);
    assert.match(text, /^#\[Logged with salvo 9\.9\.9: corrected latency per second, values in usec, Interval_Max in msec\]\n/);
    assert.match(text, /^#\[Histogram log format version 1\.3\]$/m);
    assert.match(text, new RegExp(`^#\\[StartTime: ${startSec} \\(seconds since epoch\\), `, 'm'));
    assert.match(text, new RegExp(`^#\\[BaseTime: ${startSec} \\(seconds since epoch\\)\\]$`, 'm'));
    assert.match(text, /^"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"$/m);
  });
});
