import type { GeneratorHealth } from '../../src/metrics/generator-monitor.js';
import { Recorder } from '../../src/metrics/recorder.js';
import type { PlanInput } from '../../src/plan/schema.js';
import { validatePlan } from '../../src/plan/validate.js';
import { resultFromRecorder } from '../../src/result/from-recorder.js';
import type { RunResult } from '../../src/result/types.js';

/** What happened in one second of a synthetic run. */
export interface SyntheticSecond {
  /** Corrected latency of each answer that arrived in this second, µs. */
  latenciesUs?: number[];
  /** Requests that failed in this second (as timeouts). */
  failed?: number;
  /** Requests dropped in this second (queue full). */
  dropped?: number;
}

export interface SyntheticRunOptions {
  seconds: SyntheticSecond[];
  startEpochMs?: number;
  executor?: PlanInput['executor'];
  generator?: GeneratorHealth;
}

export const SYNTHETIC_START_EPOCH_MS = Date.UTC(2026, 0, 2, 3, 4, 5);

/**
 * A result made in process through the real Recorder and summarize, second by second: each answer's
 * schedule lag is a third of its corrected latency and its uncorrected latency the rest, so the three
 * histograms differ.
 */
export function syntheticRunResult({
  seconds,
  startEpochMs = SYNTHETIC_START_EPOCH_MS,
  executor = { type: 'constant-arrival-rate', ratePerSec: 100, durationMs: seconds.length * 1000 },
  generator = { cpuPercent: 10, eventLoopDelayMs: { p50: 0.1, p99: 1, max: 2 } },
}: SyntheticRunOptions): RunResult {
  const plan = validatePlan({ target: { url: 'http://127.0.0.1:8080/' }, executor });
  const recorder = new Recorder(0, startEpochMs);
  seconds.forEach(({ latenciesUs = [], failed = 0, dropped = 0 }, second) => {
    const secondStartUs = second * 1_000_000;
    latenciesUs.forEach((latencyUs, index) => {
      const doneUs = secondStartUs + Math.floor(((index + 0.5) * 1_000_000) / latenciesUs.length);
      const lagUs = Math.floor(latencyUs / 3);
      recorder.recordSent(doneUs, doneUs - lagUs);
      recorder.recordResponse(doneUs - latencyUs, doneUs - latencyUs + lagUs, doneUs, 200);
    });
    const lateUs = secondStartUs + 999_000;
    for (let index = 0; index < failed; index++) {
      recorder.recordSent(lateUs, lateUs);
      recorder.recordFailure(lateUs, lateUs, 'timeout');
    }
    if (dropped > 0) recorder.recordDropped(lateUs, dropped, 'queueFull');
  });
  const durationMs = seconds.length * 1000;
  return resultFromRecorder({
    plan,
    recorder,
    series: recorder.finish(durationMs * 1000),
    startEpochMs,
    endEpochMs: startEpochMs + durationMs,
    durationMs,
    generator,
    interrupted: 0,
  });
}
