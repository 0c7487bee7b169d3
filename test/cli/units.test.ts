import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { formatDurationFlag, parseCount, parseDuration, parseHeader, parsePort, parseRate, parseWholeMs } from '../../src/cli/units.js';

/** Runs a table of good inputs and bad inputs through one parser. */
function table<T>(name: string, parse: (text: string) => T, good: [string, T][], bad: string[]): void {
  describe(name, () => {
    for (const [text, expected] of good) {
      test(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
        assert.deepEqual(parse(text), expected);
      });
    }
    for (const text of bad) {
      test(`${JSON.stringify(text)} is rejected`, () => {
        assert.throws(() => parse(text), InvalidArgumentError);
      });
    }
  });
}

table(
  'parseDuration (ms)',
  parseDuration,
  [
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['1.5h', 5_400_000],
    ['10', 10_000],
    ['0.25', 250],
    ['250us', 0.25],
    ['250µs', 0.25],
    [' 30s ', 30_000],
    ['30 s', 30_000],
    ['0.5ms', 0.5],
  ],
  ['', ' ', 'abc', '10x', '-1s', '0s', '0', '0ms', 's', '1.s', '1e3', '10 minutes', '1s2', '1S', 'Infinity', 'NaN'],
);

table(
  'parseWholeMs',
  parseWholeMs,
  [
    ['1.5s', 1500],
    ['250us', 1],
    ['10.4ms', 10],
    ['10.6ms', 11],
    ['2m', 120_000],
  ],
  ['0s', 'abc'],
);

table(
  'parseRate (req/s)',
  parseRate,
  [
    ['500', 500],
    ['2k', 2000],
    ['2K', 2000],
    ['1.5k', 1500],
    ['2k/s', 2000],
    ['500/s', 500],
    ['1M', 1_000_000],
    ['0.5', 0.5],
    ['.5', 0.5],
    [' 2 k ', 2000],
  ],
  ['', '0', '0k', '0.0', '-5', 'abc', '2x', '2k/m', '/s', 'k', '1e3', '2kk', 'Infinity'],
);

table(
  'parseCount',
  (text) => parseCount(text),
  [
    ['50', 50],
    ['1', 1],
    ['2k', 2000],
    ['1.5k', 1500],
    ['1M', 1_000_000],
    [' 7 ', 7],
  ],
  ['', '0', '-1', '1.5', '0.0001k', 'abc', '2x', '2k/s', '1e3'],
);

describe('parseCount with a minimum', () => {
  test('min 0 accepts "0"', () => assert.equal(parseCount('0', 0), 0));
  test('min 10 rejects "9" and accepts "10"', () => {
    assert.throws(() => parseCount('9', 10), InvalidArgumentError);
    assert.equal(parseCount('10', 10), 10);
  });
  test('the message names the minimum', () => {
    assert.throws(() => parseCount('2', 5), /at least 5/);
  });
});

// "4.1M" is the whole number 4 100 000, but 4.1 × 1e6 is 4099999.9999999995 in floating point;
// likewise 1.001 × 1e3. Parsing "4.1e6" (shifting the decimal point in the text) is exact.
describe('decimal suffixes are exact', () => {
  test('parseCount("4.1M"), parseCount("1.001k") are whole numbers', () => {
    assert.equal(parseCount('4.1M'), 4_100_000);
    assert.equal(parseCount('1.001k'), 1001);
    assert.equal(parseCount('8.2M'), 8_200_000);
  });
  test('parseRate("4.1M") is exactly 4.1e6', () => {
    assert.equal(parseRate('4.1M'), 4_100_000);
  });
});

table(
  'parseHeader',
  parseHeader,
  [
    ['X-A: b c', ['X-A', 'b c']],
    ['X-A:b', ['X-A', 'b']],
    ['X-A:', ['X-A', '']],
    ['  X-A  :  b  ', ['X-A', 'b']],
    ['Authorization: Bearer a:b:c', ['Authorization', 'Bearer a:b:c']],
    ['Host: localhost:8080', ['Host', 'localhost:8080']],
  ],
  ['nocolon', ':x', ':', ''],
);

table(
  'parsePort',
  parsePort,
  [
    ['8080', 8080],
    ['0', 0],
    ['1', 1],
    ['65535', 65_535],
    [' 80 ', 80],
  ],
  ['', ' ', '65536', '-1', 'abc', '80.5', '1e3', '0x50', '+80', '80a'],
);

test('formatDurationFlag writes ms in the largest exact unit, as the flags take them, and parses back', () => {
  const cases: [number, string][] = [
    [300_000, '5m'],
    [90_000, '90s'],
    [10_000, '10s'],
    [250, '250ms'],
    [7_200_000, '2h'],
    [1500, '1500ms'],
  ];
  for (const [ms, text] of cases) {
    assert.equal(formatDurationFlag(ms), text);
    assert.equal(parseDuration(text), ms);
  }
});
