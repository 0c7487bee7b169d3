// Issue 7's acceptance test: a fleet of 1,000 servos (`salvo run --scenario servo-fleet`, its own
// process) for a few seconds against the emulator in this one, with no sequence error and every
// application advancing evenly, as the emulator's own GET / and /metrics tell.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/result/types.js';
import { startServoFleet, type RunningServoFleet } from '../../src/targets/servo-fleet/server.js';
import { assertUsageError, salvo, salvoAsync } from '../support/cli.js';

const APPS = 1000;

describe('a fleet of 1,000 servos against the emulator', () => {
  let target: RunningServoFleet;
  let directory: string;
  before(async () => {
    target = await startServoFleet({ apps: APPS, log: () => {} });
    directory = mkdtempSync(join(tmpdir(), 'salvo-fleet-'));
  });
  after(async () => {
    await target.close();
    rmSync(directory, { recursive: true, force: true });
  });

  test('runs every application through whole cycles, evenly, without one protocol violation', async () => {
    const out = join(directory, 'fleet.json');
    // 200 ms per report: a cycle is four reports (two per command), long beside the startup spread of the fleet.
    const { status, stdout, stderr } = await salvoAsync(
      'run',
      target.url,
      '--scenario',
      'servo-fleet',
      '--apps',
      String(APPS),
      '--token',
      't',
      '--duration',
      '4s',
      '--progress-reports',
      '1',
      '--progress-interval',
      '200ms',
      '--out',
      out,
    );
    assert.equal(status, 0, stderr);

    const statistics = (await (await fetch(`${target.url}/`)).json()) as { n: number; min: number; max: number };
    assert.equal(statistics.n, APPS, 'every application was greeted');
    assert.ok(statistics.min >= 1, `every application advanced: ${JSON.stringify(statistics)}`);
    assert.ok(statistics.max - statistics.min <= 2, `even cycle counts: ${JSON.stringify(statistics)}`);
    const metrics = await (await fetch(`${target.url}/metrics`)).text();
    assert.doesNotMatch(metrics, /^salvo_servo_sequence_errors_total\{/m, 'no sequence error');
    assert.match(metrics, /^salvo_servo_requests_total\{event="GOODBYE",status="200"\} 1000$/m, 'every servo left with GOODBYE');

    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    assert.deepEqual(result.targetStatistics, statistics, "the result holds the emulator's statistics, read after the last GOODBYE");
    assert.deepEqual(result.breakdown!.counters, [], 'no protocol violation counted');
    const requests = Object.fromEntries(result.breakdown!.tasks.map(({ name, requests, failures }) => [name, { requests, failures }]));
    assert.deepEqual(requests['application-overrides'], { requests: 1, failures: 0 }, 'the fleet lists its applications once');
    for (const event of ['HELLO', 'DESCRIPTION', 'GOODBYE']) assert.deepEqual(requests[event], { requests: APPS, failures: 0 }, event);
    for (const event of ['WHATS_NEXT', 'MEASUREMENT', 'ADJUSTMENT']) assert.equal(requests[event]!.failures, 0, event);
    assert.deepEqual(result.plan.scenarioOptions, { apps: APPS, account: 'acme', token: 't', progressReports: 1, progressIntervalMs: 200 });
    assert.match(stdout, /target's own statistics \(since it started\) +n 1,000 +average [\d.]+ +min \d+ +max \d+/);
  });
});

describe('salvo run --scenario: bad input', () => {
  const url = 'http://127.0.0.1:9/';
  for (const [args, pattern] of [
    [['--scenario', 'nope'], /--scenario nope: not a built-in scenario \(servo-fleet\) nor a \.ts or \.js scenario file/],
    [['--scenario', 'builtin:nope'], /no built-in scenario "nope"/],
    [['--scenario', 'servo-fleet', '--apps', '10', '--vus', '11'], /runs at most 10 users .* the executor wants 11/],
    [['--scenario', 'servo-fleet', '--apps', '0'], /--apps .*"0" must be at least 1/],
    [['--scenario', 'servo-fleet'], /scenarioOptions\.apps: needs the number of applications \(--apps N\)/],
    [['--apps', '5'], /--apps applies to --scenario servo-fleet/],
    [['--scenario', 'servo-fleet', '--apps', '5', '--rate', '10'], /--rate does not apply to --scenario/],
    [['--scenario', 'servo-fleet', '--apps', '5', '--progress-reports', '0'], /--progress-reports .*must be at least 1/],
    [['--scenario', 'servo-fleet', '--apps', '5', '--account', 'a/b'], /scenarioOptions\.account: must be letters/],
    [['--scenario', 'missing.ts'], /no scenario file missing\.ts/],
  ] as const) {
    test(args.join(' '), () => assertUsageError(['run', url, ...args], pattern));
  }

  test("a plan file running builtin:servo-fleet takes the scenario's flags over its scenarioOptions", () => {
    const directory = mkdtempSync(join(tmpdir(), 'salvo-fleet-plan-'));
    try {
      const plan = join(directory, 'fleet.json');
      writeFileSync(
        plan,
        JSON.stringify({
          target: { url },
          executor: { type: 'constant-vus', vus: 3, durationMs: 1000 },
          scenario: 'builtin:servo-fleet',
          scenarioOptions: { apps: 3 },
        }),
      );
      const { status, stderr } = salvo('run', plan, '--apps', '2');
      assert.equal(status, 2, stderr);
      // A plan file's problems are listed one per line under its name.
      assert.equal(
        stderr,
        `salvo: error: invalid plan ${plan}: executor: builtin:servo-fleet runs at most 2 users with these scenarioOptions, and the executor wants 3\n`,
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
