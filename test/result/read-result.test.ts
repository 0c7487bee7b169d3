import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SalvoError } from '../../src/errors.js';
import { readResult, writeResult } from '../../src/result/io.js';
import type { RunResult } from '../../src/result/types.js';
import { assertUsageError } from '../support/cli.js';
import { syntheticRunResult } from '../support/synthetic-run-result.js';

type Json = Record<string, unknown>;
const at = (object: Json, path: string[]): Json => path.reduce((inner, key) => inner[key] as Json, object);

/** Each kind of damage: where, what it becomes, and the field the one-line error must name. */
const DAMAGES: { name: string; path: string[]; key: string; value: unknown; field: RegExp }[] = [
  {
    name: 'a count as text',
    path: ['summary', 'requests'],
    key: 'sent',
    value: 'many',
    field: /summary\.requests\.sent: Invalid input: expected number, received string/,
  },
  { name: 'a negative duration', path: [], key: 'durationMs', value: -5000, field: /durationMs: Too small: expected number to be >=0/ },
  {
    name: 'a histogram that does not decode',
    path: ['histograms'],
    key: 'corrected',
    value: 'HISTFAAAACF4nJNpmSzMwMDAxQABzFCaEUzOmNZg',
    field: /histograms\.corrected: not an encoded histogram/,
  },
  {
    name: 'a histogram that is not base64',
    path: ['histograms'],
    key: 'scheduleLag',
    value: 'not a histogram',
    field: /histograms\.scheduleLag: not an encoded histogram/,
  },
  { name: 'series that is not a list', path: [], key: 'series', value: 'x', field: /series: Invalid input: expected array, received string/ },
  {
    name: 'a second whose histogram is corrupt',
    path: ['series', '0'],
    key: 'histogram',
    value: 'AAAA',
    field: /series\[0\]\.histogram: not an encoded histogram/,
  },
  { name: 'changes that are not a list', path: [], key: 'events', value: 'rate', field: /events: Invalid input: expected array, received string/ },
  { name: 'a start that is not a time', path: [], key: 'startedAt', value: 'yesterday', field: /startedAt: Invalid ISO datetime/ },
  {
    name: 'a percentile that is null',
    path: ['summary', 'latencyMs', 'corrected'],
    key: 'p99',
    value: null,
    field: /summary\.latencyMs\.corrected\.p99: Invalid input: expected number, received null/,
  },
  { name: 'a negative target rate', path: ['summary', 'rate'], key: 'target', value: -3, field: /summary\.rate\.target: Too small: expected number to be >0/ },
  {
    name: 'a fractional drop count',
    path: ['summary', 'requests'],
    key: 'dropped',
    value: 1.5,
    field: /summary\.requests\.dropped: Invalid input: expected int, received number/,
  },
  {
    name: 'an error count as text',
    path: ['summary', 'errors'],
    key: 'timeout',
    value: '3',
    field: /summary\.errors\.timeout: Invalid input: expected number, received string/,
  },
  { name: 'no summary', path: [], key: 'summary', value: undefined, field: /summary: Invalid input: expected object, received undefined/ },
  {
    name: 'a plan without executor',
    path: ['plan'],
    key: 'executor',
    value: undefined,
    field: /plan\.executor: Invalid input: expected object, received undefined/,
  },
  { name: 'interrupted as text', path: [], key: 'interrupted', value: 'no', field: /interrupted: Invalid input: expected boolean, received string/ },
  {
    name: 'a source without times',
    path: [],
    key: 'sources',
    value: [{}],
    field: /sources\[0\]\.startedAt: Invalid input: expected string, received undefined \(and \d+ more problems\)/,
  },
  {
    name: 'breakdown rows that are not a list',
    path: [],
    key: 'breakdown',
    value: { tasks: 3 },
    field: /breakdown\.tasks: Invalid input: expected array, received number/,
  },
];

describe('reading a result file checks it against the salvo.result/v1 schema', () => {
  let dir: string;
  let good: string;
  let original: RunResult;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'salvo-damaged-'));
    good = join(dir, 'good.json');
    original = syntheticRunResult({ seconds: [{ latenciesUs: [1000, 2000] }, { latenciesUs: [1500], failed: 1 }] });
    await writeResult(good, original);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a file salvo wrote reads back as it was', async () => {
    assert.deepEqual(await readResult(good), original);
  });

  test('with the changes made while it ran (events), too', async () => {
    const steered: RunResult = { ...original, events: [{ tMs: 1200, what: 'rate', from: 100, to: 150 }] };
    const file = join(dir, 'steered.json');
    await writeResult(file, steered);
    assert.deepEqual(await readResult(file), steered);
  });

  for (const { name, path, key, value, field } of DAMAGES) {
    test(`${name}: one error naming the file and the field`, async () => {
      const damaged = structuredClone(original) as unknown as Json;
      at(damaged, path)[key] = value;
      const file = join(dir, `${name.replaceAll(' ', '-')}.json`);
      writeFileSync(file, JSON.stringify(damaged));
      await assert.rejects(readResult(file), (error: unknown) => {
        assert.ok(error instanceof SalvoError);
        assert.equal(error.code, 'ERR_RESULT_DAMAGED');
        assert.ok(error.message.startsWith(`"${file}" is damaged: `), error.message);
        assert.match(error.message, field);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
    });
  }

  test('report, merge and compare refuse a damaged file: one line, exit 2', () => {
    const damaged = structuredClone(original) as unknown as Json;
    damaged.series = 'x';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(damaged));
    const line = /^salvo: error: ".*bad\.json" is damaged: series: Invalid input: expected array, received string$/;
    assertUsageError(['report', bad], line);
    assertUsageError(['compare', good, bad], line);
    assertUsageError(['merge', good, bad], line);
  });
});
