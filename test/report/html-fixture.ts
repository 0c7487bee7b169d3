import { Recorder } from '../../src/metrics/recorder.js';
import { validatePlan, type PlanInput } from '../../src/plan/index.js';
import { resultFromRecorder } from '../../src/result/from-recorder.js';
import type { RunResult } from '../../src/result/types.js';

const START_EPOCH_MS = Date.UTC(2026, 0, 2, 3, 4, 5);

/**
 * A result made in process, without a network: 200 req/s for 3 s through the real Recorder and
 * summarize, where every 50th request answers 500 and every 100th is sent 40 ms late.
 */
export function syntheticResult(target: Partial<PlanInput['target']> = {}): RunResult {
  const plan = validatePlan({
    target: { url: 'http://127.0.0.1:8080/', ...target },
    executor: { type: 'constant-arrival-rate', ratePerSec: 200, durationMs: 3000 },
  });
  const recorder = new Recorder(0, START_EPOCH_MS);
  const events: { atUs: number; record: () => void }[] = [];
  for (let index = 0; index < 600; index++) {
    const intendedUs = index * 5000;
    const sentUs = intendedUs + (index % 100 === 0 ? 40_000 : 100);
    const doneUs = sentUs + 1000 + (index % 7) * 100;
    events.push({ atUs: sentUs, record: () => recorder.recordSent(sentUs, intendedUs) });
    events.push({ atUs: doneUs, record: () => recorder.recordResponse(intendedUs, sentUs, doneUs, index % 50 === 0 ? 500 : 200) });
  }
  for (const event of events.sort((a, b) => a.atUs - b.atUs)) event.record();
  const endUs = 3_000_000;
  return resultFromRecorder({
    plan,
    recorder,
    series: recorder.finish(endUs),
    startEpochMs: START_EPOCH_MS,
    endEpochMs: START_EPOCH_MS + endUs / 1000,
    durationMs: endUs / 1000,
    generator: { cpuPercent: 20, eventLoopDelayMs: { p50: 1, p99: 2, max: 3 } },
    interrupted: 0,
  });
}
