// URL matching for the emulator's routes with indexOf/startsWith and charCode arithmetic:
// no regex, no split, nothing allocated for a servo event.

import { parseAppName } from './app-name.js';

export const NOT_SERVO = -1;
export const UNKNOWN_APP = -2;

const ACCOUNTS = '/accounts/';
const APPLICATIONS = '/applications/';
const SERVO = '/servo';
const OVERRIDES = '/application-overrides';

/** True when `url` from `at` on is exactly `suffix`, optionally followed by a query string. */
function endsRouteWith(url: string, at: number, suffix: string): boolean {
  const end = at + suffix.length;
  return url.startsWith(suffix, at) && (url.length === end || url.charCodeAt(end) === 63 /* ? */);
}

/** Index just past "/accounts/{account}", or -1. */
export function accountEnd(url: string): number {
  if (!url.startsWith(ACCOUNTS)) return -1;
  const slash = url.indexOf('/', ACCOUNTS.length);
  return slash > ACCOUNTS.length ? slash : -1;
}

/** App index for "/accounts/{account}/applications/{app}/servo", UNKNOWN_APP, or NOT_SERVO. */
export function servoApp(url: string, apps: number): number {
  const at = accountEnd(url);
  if (at < 0 || !url.startsWith(APPLICATIONS, at)) return NOT_SERVO;
  const nameStart = at + APPLICATIONS.length;
  const nameEnd = url.indexOf('/', nameStart);
  if (nameEnd < 0 || !endsRouteWith(url, nameEnd, SERVO)) return NOT_SERVO;
  const app = parseAppName(url, nameStart, nameEnd, apps);
  return app < 0 ? UNKNOWN_APP : app;
}

export function appNameInUrl(url: string): string {
  const nameStart = accountEnd(url) + APPLICATIONS.length;
  const raw = url.slice(nameStart, url.indexOf('/', nameStart));
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // a malformed %-escape: show it as sent
  }
}

/** True for "/accounts/{account}/application-overrides" (a path without query). */
export function isOverrides(path: string): boolean {
  const at = accountEnd(path);
  return at >= 0 && path.length === at + OVERRIDES.length && path.startsWith(OVERRIDES, at);
}
