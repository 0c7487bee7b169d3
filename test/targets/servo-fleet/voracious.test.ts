// The default (Voracious) dialect beyond the recorded conformance sequence: the documentation
// pages without a network, names outside the fleet in the state file, and --resync.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServoFleet } from '../../../src/targets/servo-fleet/server.js';
import { STATE_NAMES } from '../../../src/targets/servo-fleet/protocol.js';
import { Client, description, hello, measurement, whatsNext } from './helpers.js';

describe('servo-fleet default dialect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-voracious-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('/docs and /redoc load their scripts and styles from the emulator itself, not a CDN', async () => {
    const target = await startServoFleet({ apps: 5, log: () => {} });
    const client = new Client(target.url);
    try {
      for (const [page, assets] of [
        ['/docs', ['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js']],
        ['/redoc', ['/redoc/redoc.standalone.js']],
      ] as const) {
        const html = await client.get(page);
        assert.equal(html.status, 200);
        assert.match(html.type ?? '', /^text\/html/);
        assert.doesNotMatch(html.text, /https?:\/\//, `${page} fetches nothing from elsewhere`);
        assert.match(html.text, /\/openapi\.json/);
        for (const asset of assets) {
          assert.ok(html.text.includes(`"${asset}"`), `${page} refers to ${asset}`);
          const reply = await client.get(asset);
          assert.equal(reply.status, 200, asset);
          assert.ok(reply.text.length > 100_000, `${asset} is the package's bundle`);
        }
      }
    } finally {
      await target.close();
    }
  });

  test('the state file keeps applications outside the fleet by name', async () => {
    const file = join(dir, 'state.json');
    const first = await startServoFleet({ apps: 2, stateFile: file, log: () => {} });
    await new Client(first.url).walk('my-service', [hello, whatsNext, description]);
    await first.close();
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).apps['my-service'].state, 'start-measure');
    const second = await startServoFleet({ apps: 2, stateFile: file, log: () => {} });
    try {
      const reply = await new Client(second.url).post('my-service', JSON.stringify({ event: 'WHATS_NEXT' }));
      assert.deepEqual(reply.body, { cmd: 'MEASURE', param: {} });
    } finally {
      await second.close();
    }
  });

  test('--resync adopts an application never registered, in the fleet or not, instead of "unknown app"', async () => {
    const lines: string[] = [];
    const target = await startServoFleet({ apps: 2, resync: true, log: (line) => lines.push(line) });
    const client = new Client(target.url);
    try {
      assert.equal((await client.send(1, measurement(40))).status, 200);
      assert.equal((await client.post('elsewhere', JSON.stringify({ event: 'WHATS_NEXT' }))).status, 200);
      assert.equal(STATE_NAMES[target.fleet.state[1]!], 'in-measure');
      assert.deepEqual(lines, [
        'resync: app00001 sent MEASUREMENT without HELLO; adopted state start-measure',
        'resync: elsewhere sent WHATS_NEXT without HELLO; adopted state hello-received',
      ]);
    } finally {
      await target.close();
    }
  });
});
