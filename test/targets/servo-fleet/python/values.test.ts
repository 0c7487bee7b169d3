// Python's built-ins as the original emulator applies them to JSON values (expected values are
// Python 3's own output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PyDict, PyFloat, floatRepr, pyDict, pyInt, repr } from '../../../../src/targets/servo-fleet/python/values.js';
import { JsonDecodeError, pyJsonLoads } from '../../../../src/targets/servo-fleet/python/json-decode.js';

test('repr(float) as Python prints it', () => {
  const cases: [number, string][] = [
    [1, '1.0'],
    [2.5, '2.5'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-0, '-0.0'],
    [123456789.123, '123456789.123'],
    [1e22, '1e+22'],
    [NaN, 'nan'],
    [-Infinity, '-inf'],
  ];
  for (const [value, text] of cases) assert.equal(floatRepr(value), text, String(value));
});

test('repr of JSON values: quotes, escapes, dicts, lists', () => {
  assert.equal(
    repr(pyJsonLoads('{"a": [1, 2.0, true, null], "b": "it\'s", "c": "x\\"y\'", "d": "\\u0007\\t\\u00a0é"}')),
    `{'a': [1, 2.0, True, None], 'b': "it's", 'c': 'x"y\\'', 'd': '\\x07\\t\\xa0é'}`,
  );
  assert.equal(repr(pyJsonLoads('123456789012345678901234')), '123456789012345678901234');
});

test('int() as the original reads progress: numbers truncate, digit strings parse, anything else is no progress', () => {
  const cases: [string, bigint | undefined][] = [
    ['50', 50n],
    ['"50"', 50n],
    ['" -7 "', -7n],
    ['"1_000"', 1000n],
    ['10.9', 10n],
    ['-10.9', -10n],
    ['true', 1n],
    ['"abc"', undefined],
    ['"10.5"', undefined],
    ['"1__0"', undefined],
    ['""', undefined],
    ['NaN', undefined],
    ['Infinity', undefined],
    ['null', undefined],
    ['[1]', undefined],
  ];
  for (const [json, expected] of cases) assert.equal(pyInt(pyJsonLoads(json)), expected, json);
});

test('dict() of a value that is not a dict: pairs from lists and two-character strings', () => {
  assert.equal(repr(pyDict(pyJsonLoads('[["event", "HELLO"], "ab", ["event", "BYE"]]'))!), "{'event': 'BYE', 'a': 'b'}");
  assert.equal(repr(pyDict(pyJsonLoads('""'))!), '{}');
  for (const json of ['"abc"', '5', '[1]', '[[1, 2, 3]]', '[[[1], 2]]', 'null']) assert.equal(pyDict(pyJsonLoads(json)), undefined, json);
  const dict = new PyDict();
  dict.set(1n, 'a');
  dict.set(new PyFloat(1), 'b');
  dict.set(true, 'c');
  assert.equal(repr(dict), "{1: 'c'}", '1 == 1.0 == True as keys');
});

test("json.loads's errors: message and position in characters", () => {
  const cases: [string, string, number][] = [
    ['', 'Expecting value', 0],
    ['{"a" 1}', "Expecting ':' delimiter", 5],
    ['[1,]', 'Expecting value', 3],
    ['😀 x', 'Expecting value', 0],
    ['"😀" x', 'Extra data', 4],
    ['"\\ud800\\u12x4"', 'Invalid \\uXXXX escape', 8],
    ['"a\u0001"', 'Invalid control character at', 2],
  ];
  for (const [text, msg, pos] of cases) {
    assert.throws(
      () => pyJsonLoads(text),
      (error: unknown) => error instanceof JsonDecodeError && error.msg === msg && error.pos === pos,
      text,
    );
  }
});
