/**
 * A run's time split at the end of its warm-up: each summary's rates are over its own part. A run cut
 * short within its warm-up measured nothing after it.
 */
export function splitDurationMs(durationMs: number, warmupMs: number | undefined): { warmupMs: number; measuredMs: number } {
  const warmup = Math.min(warmupMs ?? 0, durationMs);
  return { warmupMs: warmup, measuredMs: durationMs - warmup };
}
