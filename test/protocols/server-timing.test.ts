import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NO_SERVICE_TIME, serviceUsOf } from '../../src/protocols/server-timing.js';

const of = (value: string): number => {
  const bytes = Buffer.from(`xx${value}yy`, 'latin1');
  return serviceUsOf(bytes, 2, bytes.length - 2);
};

describe('Server-Timing: the dur of the first metric, in µs', () => {
  const cases: [string, number][] = [
    ['app;dur=12.345', 12_345],
    ['app;dur=7', 7000],
    ['app;dur=0.5', 500],
    ['app;DUR=3', 3000],
    ['cache;desc="Cache; Read, hit";dur=23.2', 23_200],
    ['db ; dur = 53 ; desc=x', 53_000],
    ['app;dur="4.25"', 4250],
    ['total;dur=123.4, db;dur=53', 123_400],
    ['app;dur=0', 0],
  ];
  for (const [value, us] of cases) test(`${value} → ${us} µs`, () => assert.ok(Math.abs(of(value) - us) < 1e-6, `${of(value)}`));

  const none: string[] = [
    '',
    'app',
    'app;desc=x',
    'miss, db;dur=53',
    'app;dur',
    'app;dur=',
    'app;dur=fast',
    'app;dur=-1',
    'app;dur=1e3',
    'app;duration=5',
    'app;dur=1.2.3',
  ];
  for (const value of none) test(`"${value}" carries none`, () => assert.equal(of(value), NO_SERVICE_TIME));
});
