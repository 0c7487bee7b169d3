import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bottleneckWarnings, type NamedSource } from '../../src/result/bottleneck.js';
import { mergeResults } from '../../src/result/merge.js';
import type { RunResult } from '../../src/result/types.js';
import { syntheticRunResult } from '../support/synthetic-run-result.js';

/** A generator with this CPU % and p99 schedule lag (ms); its event loop is saturated when `loopP99` > 20. */
function source(name: string, cpuPercent: number, lagP99: number, loopP99 = 1): NamedSource {
  const generator = { cpuPercent, eventLoopDelayMs: { p50: 0.1, p99: loopP99, max: loopP99 }, saturated: loopP99 > 20 };
  return { name, source: { startedAt: '', endedAt: '', durationMs: 1000, generator, scheduleLagMs: { p50: 0.1, p99: lagP99, max: lagP99 } } };
}

const cases: [string, NamedSource[], RegExp[]][] = [
  ['one generator is never singled out', [source('a', 99, 50, 40)], []],
  ['calm generators give no warning', [source('a', 40, 0.3), source('b', 45, 0.4), source('c', 50, 0.5)], []],
  [
    'a lag far above the others names that generator',
    [source('shard 1/3', 40, 0.3), source('shard 2/3', 60, 12), source('shard 3/3', 40, 0.4)],
    [/^shard 2\/3 was the bottleneck \(CPU 60%, .*schedule lag p99 12ms; the others at most CPU 40%, schedule lag p99 400µs\)/],
  ],
  ['a lag under 1 ms is no bottleneck, however many times the others', [source('a', 10, 0.8), source('b', 10, 0.01)], []],
  ['a lag close to the others is no bottleneck', [source('a', 10, 8), source('b', 10, 5), source('c', 10, 6)], []],
  [
    'a CPU near 100% alone is no bottleneck: a generator polls when requests are due close together',
    [source('worker 1/2', 99, 0.5), source('worker 2/2', 50, 0.5)],
    [],
  ],
  [
    'a saturated event loop names that generator',
    [source('a', 50, 0.5, 30), source('b', 50, 0.5)],
    [/^a was the bottleneck \(CPU 50%, event-loop delay p99 30ms/],
  ],
  [
    'all of them saturated is said once',
    [source('a', 97, 3, 25), source('b', 99, 3, 30)],
    [/^every generator was saturated or behind schedule \(a: CPU 97%.*; b: CPU 99%.*\): add workers or shards$/],
  ],
];

describe('bottleneck warnings', () => {
  for (const [name, sources, expected] of cases) {
    test(name, () => {
      const warnings = bottleneckWarnings(sources);
      assert.equal(warnings.length, expected.length, warnings.join('\n'));
      warnings.forEach((warning, index) => assert.match(warning, expected[index]!));
    });
  }

  test('salvo merge of shards names the shard whose event loop was saturated', () => {
    const shard = (index: number, loopP99: number): RunResult => {
      const result = syntheticRunResult({
        seconds: [{ latenciesUs: [1000, 2000] }],
        generator: { cpuPercent: 50, eventLoopDelayMs: { p50: 0.1, p99: loopP99, max: loopP99 } },
      });
      return { ...result, plan: { ...result.plan, shard: { index, count: 3 } } };
    };
    const merged = mergeResults([shard(1, 1), shard(2, 45), shard(3, 2)]);
    assert.deepEqual(
      merged.summary.warnings.filter((warning) => warning.includes('bottleneck')).map((warning) => warning.split(' (')[0]),
      ['shard 2/3 was the bottleneck'],
    );
  });

  test('the workers of whole runs go by their file and worker', () => {
    const run = (loopP99s: number[]): RunResult => {
      const result = syntheticRunResult({ seconds: [{ latenciesUs: [1000] }] });
      return {
        ...result,
        sources: loopP99s.map((loopP99, index) => ({ ...source('', 50, 0.5, loopP99).source, worker: { index: index + 1, count: loopP99s.length } })),
      };
    };
    const merged = mergeResults([run([1, 1]), run([1, 35])], ['a.json', 'b.json']);
    assert.deepEqual(
      merged.summary.warnings.filter((warning) => warning.includes('bottleneck')).map((warning) => warning.split(' (')[0]),
      ['b.json worker 2/2 was the bottleneck'],
    );
  });
});
