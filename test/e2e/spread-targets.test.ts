import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readResult } from '../../src/result/io.js';
import type { RunResult } from '../../src/result/types.js';
import { salvoAsync } from '../support/cli.js';
import { startSalvo, type SalvoProcess } from '../support/salvo-process.js';

const RATE_PER_SEC = 400;
const SEED = '7';

describe('a run spread over two `salvo serve http` targets by weight 1:3', () => {
  const servers: SalvoProcess[] = [];
  const urls: string[] = [];
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'salvo-spread-'));
    for (let index = 0; index < 2; index++) {
      const server = startSalvo('serve', 'http', '--port', '0');
      servers.push(server);
      urls.push((await server.line(/listening on (http:\/\/\S+)/))[1]!);
    }
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** The second target answers 503, so each status code says which target a request went to. */
  async function spreadRun(name: string): Promise<RunResult> {
    const out = join(dir, name);
    const args = [
      'run',
      `${urls[0]}/`,
      '--url',
      `${urls[1]}/status/503`,
      '--weights',
      '1,3',
      '--rate',
      String(RATE_PER_SEC),
      '-d',
      '1s',
      '--seed',
      SEED,
      '-q',
      '--out',
      out,
    ];
    const outcome = await salvoAsync(...args);
    assert.equal(outcome.status, 0, outcome.stderr);
    return readResult(out);
  }

  test('the split is 1:3 within a binomial margin, and each target counts exactly what its status codes say', async () => {
    const result = await spreadRun('a.json');
    const { seed, counts } = result.targets!;
    assert.equal(seed, Number(SEED));
    assert.deepEqual(
      counts.map(({ url, weight }) => [url, weight]),
      [
        [`${urls[0]}/`, 1],
        [`${urls[1]}/status/503`, 3],
      ],
    );
    const sent = counts[0]!.sent + counts[1]!.sent;
    assert.equal(sent, result.summary.requests.sent);
    assert.equal(sent, RATE_PER_SEC);
    // Five standard deviations of a binomial share: a fair draw fails this about once in two million runs.
    const share = counts[0]!.sent / sent;
    const margin = 5 * Math.sqrt((0.25 * 0.75) / sent);
    assert.ok(Math.abs(share - 0.25) <= margin, `first target's share ${share}, expected 0.25 ± ${margin}`);
    assert.equal(counts[0]!.completed, result.summary.statusCodes['200']);
    assert.equal(counts[0]!.failed, 0);
    assert.equal(counts[1]!.completed, 0);
    assert.equal(counts[1]!.failed, result.summary.statusCodes['503']);
    assert.equal(counts[0]!.completed + counts[1]!.failed, sent);
    assert.equal(result.plan.seed, Number(SEED));
  });

  test('the same seed sends the same requests to the same targets, and salvo merge adds the counts', async () => {
    const [first, second] = [await spreadRun('b.json'), await spreadRun('c.json')];
    assert.deepEqual(
      first.targets!.counts.map((counts) => counts.sent),
      second.targets!.counts.map((counts) => counts.sent),
    );
    const merged = join(dir, 'merged.json');
    const outcome = await salvoAsync('merge', join(dir, 'b.json'), join(dir, 'c.json'), '-o', merged);
    assert.equal(outcome.status, 0, outcome.stderr);
    const { targets } = await readResult(merged);
    assert.equal(targets!.seed, Number(SEED));
    targets!.counts.forEach((counts, index) => {
      assert.equal(counts.sent, first.targets!.counts[index]!.sent + second.targets!.counts[index]!.sent);
      assert.equal(counts.failed, first.targets!.counts[index]!.failed + second.targets!.counts[index]!.failed);
    });
  });
});
