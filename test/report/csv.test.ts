import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorCause } from '../../src/metrics/causes.js';
import type { SecondSample } from '../../src/metrics/recorder.js';
import { seriesCsv } from '../../src/report/csv.js';

const START_MS = Date.UTC(2026, 10, 23, 10, 0, 0, 250);

function second(index: number, counts: Partial<SecondSample>, errors: Record<string, number> = {}): SecondSample {
  return {
    second: index,
    startEpochMs: START_MS + index * 1000,
    sent: 0,
    completed: 0,
    failed: 0,
    dropped: 0,
    latencyMs: { p50: 0, p99: 0, max: 0 },
    histogram: '',
    ...counts,
    errors: errors as Partial<Record<ErrorCause, number>>,
  };
}

describe('seriesCsv', () => {
  test('one row per second, one column per cause the run saw, in the fixed cause order', () => {
    const series = [
      second(0, { sent: 100, completed: 98, failed: 2, latencyMs: { p50: 1.234, p99: 5.5, max: 7.001 } }, { http5xx: 2 }),
      second(1, { sent: 96, completed: 93, failed: 3, dropped: 4, latencyMs: { p50: 1.1, p99: 2, max: 2.047 } }, { timeout: 3, dropped: 4 }),
      second(2, {}),
    ];
    assert.equal(
      seriesCsv(series),
      'second,start,sent,completed,failed,dropped,p50_ms,p99_ms,max_ms,errors_timeout,errors_http5xx\r\n' +
        '0,2026-11-23T10:00:00.250Z,100,98,2,0,1.234,5.5,7.001,0,2\r\n' +
        '1,2026-11-23T10:00:01.250Z,96,93,3,4,1.1,2,2.047,3,0\r\n' +
        '2,2026-11-23T10:00:02.250Z,0,0,0,0,0,0,0,0,0\r\n',
    );
  });

  test('a cause this version does not know comes last, quoted as RFC 4180 asks', () => {
    const series = [second(0, { sent: 2, failed: 2 }, { 'new,"odd"': 1, reset: 1 })];
    assert.equal(
      seriesCsv(series),
      'second,start,sent,completed,failed,dropped,p50_ms,p99_ms,max_ms,errors_reset,"errors_new,""odd"""\r\n' +
        '0,2026-11-23T10:00:00.250Z,2,0,2,0,0,0,0,1,1\r\n',
    );
  });

  test('a run without seconds is a header alone', () => {
    assert.equal(seriesCsv([]), 'second,start,sent,completed,failed,dropped,p50_ms,p99_ms,max_ms\r\n');
  });
});
