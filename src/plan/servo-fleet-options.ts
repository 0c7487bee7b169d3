import { z } from 'zod';
import { msField } from './duration.js';

/** Largest fleet the application names allow: "app" and 5 digits. */
export const MAX_APPS = 100_000;

const schema = z.strictObject({
  /** Applications of the account, app00000..app(apps-1): one servo (virtual user) each. */
  apps: z
    .number({ error: 'needs the number of applications (--apps N)' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_APPS, `must be at most ${MAX_APPS}`),
  account: z
    .string()
    .regex(/^[A-Za-z0-9._~-]+$/, 'must be letters, digits and . _ ~ - (it is part of the URL path)')
    .default('acme'),
  /** Sent as `Authorization: Bearer <token>`; no Authorization header without one. */
  token: z
    .string()
    .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII without spaces')
    .optional(),
  /** Progress reports before each final MEASUREMENT and ADJUSTMENT; the protocol needs at least one. */
  progressReports: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1 (a measurement starts with a progress report)')
    .max(100, 'must be at most 100')
    .default(2),
  /** Wait before each report, progress or final: how long a measurement or an adjustment takes. */
  progressIntervalMs: msField(z.number().min(0).max(60_000, 'must be at most 60 s')).default(500),
});

export type ServoFleetOptions = z.output<typeof schema>;

/** builtin:servo-fleet's options: one servo (virtual user) per application. */
export const servoFleetOptions = {
  options: schema,
  users: (options: ServoFleetOptions) => options.apps,
};
