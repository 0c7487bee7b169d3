import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { readResult } from '../../src/result/io.js';
import type { RunResult } from '../../src/result/types.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvo, salvoAsync } from '../support/cli.js';

describe('salvo merge and salvo compare', () => {
  let target: TargetProcess;
  let dir: string;
  const path = (name: string) => join(dir, name);
  const results: Record<'a' | 'b' | 'slow', RunResult> = {} as never;

  before(async () => {
    target = await startTargetProcess();
    dir = mkdtempSync(join(tmpdir(), 'salvo-merge-compare-'));
    const runs = [
      ['a', target.url],
      ['b', target.url],
      ['slow', new URL('/delay/2000', target.url).href],
    ] as const;
    // Side by side, as shards of one load would run. The slow run's 2 s delay dwarfs what a busy machine adds to
    // every latency (a saturated generator measured p50s of ~340 ms), where a few ms of delay drowned in it.
    const outcomes = await Promise.all(
      runs.map(([name, url]) => salvoAsync('run', url, '--rate', '100', '--duration', '1s', '--out', path(`${name}.json`), '--quiet')),
    );
    outcomes.forEach(({ status, stderr }, index) => assert.equal(status, 0, `run ${runs[index]![0]}: ${stderr}`));
    for (const [name] of runs) results[name] = await readResult(path(`${name}.json`));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('two real runs merge into one whose counts are their sums', async () => {
    const { status, stdout, stderr } = salvo('merge', path('a.json'), path('b.json'), '--out', path('merged.json'));
    assert.equal(status, 0, stderr);
    assert.match(stdout, /^merged 2 results: .*a\.json, .*b\.json\n/);
    assert.match(stdout, /target 200\/s/);
    const merged = await readResult(path('merged.json'));
    const { a, b } = results;
    assert.equal(merged.summary.requests.sent, a.summary.requests.sent + b.summary.requests.sent);
    assert.equal(merged.summary.requests.completed, a.summary.requests.completed + b.summary.requests.completed);
    assert.equal(decodeHistogram(merged.histograms.corrected).totalCount, merged.summary.requests.completed);
    assert.equal(
      merged.series.reduce((sum, second) => sum + second.sent, 0),
      merged.summary.requests.sent,
    );
    assert.equal(merged.summary.rate.target, 200);
    assert.deepEqual(
      merged.sources!.map((source) => source.startedAt),
      [a.startedAt, b.startedAt],
    );
  });

  test('a run against /delay/2000 is a significant p50 regression of a run against /: exit 99', () => {
    const args = ['compare', path('a.json'), path('slow.json'), '--fail-if', 'p50>+10%'];
    const { status, stdout, stderr } = salvo(...args);
    assert.equal(status, 99, stderr);
    assert.match(stdout, /latency p50 .* significant \(p<0\.0?01\)/);
    assert.match(stdout, /--fail-if p50>\+10%: FAILED: p50 \+\d+(\.\d)?% \(significant, p<0\.0?01\)/);
    assert.match(stdout, /throughput .* too few seconds to test \(1 and \d, 8 needed\)/);
    assert.equal(salvo(...args).stdout, stdout, 'the same results always print the same verdicts');
  });

  test('a result compared with itself shows no significant difference, so even a condition that holds passes: exit 0', () => {
    const { status, stdout, stderr } = salvo('compare', path('a.json'), path('a.json'), '--fail-if', 'p50>-10%', '--fail-if', 'p99>+10%');
    assert.equal(status, 0, stderr);
    for (const metric of ['p50', 'p90', 'p99', 'p99.9', 'max', 'mean'])
      assert.match(stdout, new RegExp(`latency ${metric.replace('.', '\\.')} .* no significant difference \\(p=`));
    assert.match(stdout, /--fail-if p50>-10%: passed: p50 \+0\.0% \(not significant, p=1\)/);
    assert.match(stdout, /--fail-if p99>\+10%: passed/);
  });

  test('bad input: one line naming the problem, exit 2', () => {
    const otherPlan = JSON.parse(readFileSync(path('a.json'), 'utf8')) as RunResult;
    otherPlan.plan.executor = { ...otherPlan.plan.executor, ratePerSec: 500 } as RunResult['plan']['executor'];
    otherPlan.runId = 'another run';
    writeFileSync(path('other-plan.json'), JSON.stringify(otherPlan));
    writeFileSync(path('not-a-result.json'), '{"schema": "something/else"}');
    const cases: [string[], RegExp][] = [
      [['merge', path('a.json')], /^salvo: error: cannot merge: need at least 2 results, got 1$/],
      [
        ['merge', path('a.json'), path('a.json')],
        /^salvo: error: cannot merge: .*a\.json and .*a\.json hold the same run \(run id [0-9a-f-]{36}\): merging it twice would double its counts$/,
      ],
      [
        ['merge', path('a.json'), path('other-plan.json')],
        /cannot merge: .*other-plan\.json ran a different plan \(executor\.ratePerSec 500 vs 100 in .*a\.json\)$/,
      ],
      [['merge', path('a.json'), path('not-a-result.json')], /not-a-result\.json" is not a salvo result \(schema "something\/else"/],
      [['merge', path('a.json'), path('missing.json')], /cannot read result ".*missing\.json": ENOENT/],
      [['merge', path('a.json'), path('b.json'), '--out', '/nonexistent-dir/merged.json'], /--out: cannot write.*directory does not exist/],
      [['merge'], /missing required argument 'results'/],
      [['compare', path('a.json')], /missing required argument 'candidate'/],
      [['compare', path('a.json'), path('missing.json')], /cannot read result ".*missing\.json"/],
      [['compare', path('a.json'), path('b.json'), '--fail-if', 'p95>+10%'], /--fail-if.*unknown metric "p95"/],
      [['compare', path('a.json'), path('b.json'), '--fail-if', 'p99>10%'], /--fail-if.*the change needs a sign/],
      [['compare', path('a.json'), path('b.json'), '--fail-if', 'errors>+1ms'], /--fail-if.*errors changes are written in %/],
    ];
    for (const [args, pattern] of cases) assertUsageError(args, pattern);
  });

  test('--help explains the gate and exits 0', () => {
    const compare = salvo('compare', '--help');
    assert.equal(compare.status, 0);
    assert.match(compare.stdout, /percentage points/);
    assert.match(compare.stdout, /not significant never fails the gate/);
    const merge = salvo('merge', '--help');
    assert.equal(merge.status, 0);
    assert.match(merge.stdout, /Usage: salvo merge/);
  });
});
