import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_SERVICE_TIME, serviceTimeUs } from '../../src/protocols/server-timing.js';

const read = (value: string): number => {
  const bytes = Buffer.from(value, 'latin1');
  return serviceTimeUs(bytes, 0, bytes.length);
};

test('the service time is the dur of the first metric, from ms to whole µs', () => {
  const cases: [string, number][] = [
    ['app;dur=0.012', 12],
    ['app;dur=3', 3000],
    ['app;dur=12.3456', 12346],
    ['app;desc="a, b; c";dur=1.5', 1500],
    ['app; DUR = 2 ;desc=x', 2000],
    ['app;dur="4.5"', 4500],
    ['app;dur=2, db;dur=9', 2000],
    ['app;desc=x, db;dur=9', NO_SERVICE_TIME],
    ['app;dur=abc', NO_SERVICE_TIME],
    ['app;dur=', NO_SERVICE_TIME],
    ['app;dur=-1', NO_SERVICE_TIME],
    ['app;durable=1', NO_SERVICE_TIME],
    ['app', NO_SERVICE_TIME],
    ['', NO_SERVICE_TIME],
  ];
  for (const [value, us] of cases) assert.equal(read(value), us, value);
});

test('the value is read in place, between start and end', () => {
  const bytes = Buffer.from('x: app;dur=1.25, db;dur=7', 'latin1');
  assert.equal(serviceTimeUs(bytes, 3, 15), 1250);
  assert.equal(serviceTimeUs(bytes, 3, 11), NO_SERVICE_TIME, 'dur= cut off before its value');
  assert.equal(serviceTimeUs(bytes, 3, 12), 1000, 'and after its first digit');
});
