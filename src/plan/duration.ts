import { z } from 'zod';

const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** A duration with its unit: "500ms", "30s", "1.5m". A bare number in a string is refused: flags read it as seconds, a *Ms field as ms. */
const DURATION_TEXT = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)\s*$/;

const durationText = z
  .string()
  .regex(DURATION_TEXT)
  .transform((text) => {
    const [, amount, unit] = DURATION_TEXT.exec(text)!;
    // Rounded to the µs so that "0.3s" is 300 ms, not 300.00000000000006.
    return Math.round(Number(amount) * UNIT_MS[unit!]! * 1000) / 1000;
  });

/**
 * A *Ms plan field: a number of milliseconds, or for people writing plan files a duration string
 * ("30s"), turned into ms before `then` checks it. The JSON Schema shows both forms.
 */
export function msField<T extends z.ZodType<number, number>>(then: T) {
  return z.union([z.number(), durationText], { error: 'must be a number of milliseconds or a duration such as "500ms", "30s" or "2m"' }).pipe(then);
}
