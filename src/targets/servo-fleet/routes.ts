// URL matching for the emulator's routes with indexOf/startsWith: no regex, no split.

const ACCOUNTS = '/accounts/';
const APPLICATIONS = '/applications/';
const SERVO = '/servo';
const OVERRIDES = '/application-overrides';

/** Index just past "/accounts/{account}", or -1. */
export function accountEnd(url: string): number {
  if (!url.startsWith(ACCOUNTS)) return -1;
  const slash = url.indexOf('/', ACCOUNTS.length);
  return slash > ACCOUNTS.length ? slash : -1;
}

/** The {app} segment, as sent, of "/accounts/{account}/applications/{app}/servo" (a path without query), or undefined. */
export function servoAppSegment(path: string): string | undefined {
  const at = accountEnd(path);
  if (at < 0 || !path.startsWith(APPLICATIONS, at)) return undefined;
  const nameStart = at + APPLICATIONS.length;
  const nameEnd = path.indexOf('/', nameStart);
  if (nameEnd <= nameStart || path.length !== nameEnd + SERVO.length || !path.startsWith(SERVO, nameEnd)) return undefined;
  return path.slice(nameStart, nameEnd);
}

/** True for "/accounts/{account}/application-overrides" (a path without query). */
export function isOverrides(path: string): boolean {
  const at = accountEnd(path);
  return at >= 0 && path.length === at + OVERRIDES.length && path.startsWith(OVERRIDES, at);
}
