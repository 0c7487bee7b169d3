// What differs between the two ways the emulator answers: as the original voracious.py does
// (the default) or with salvo's stricter validation (--strict). Everything else (routes,
// statistics, /metrics, the state file) is shared by server.ts.

import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Dialect {
  /** Largest body read; a larger one answers 413. */
  maxBodyBytes: number;
  /** POST .../applications/{app}/servo with its whole body; `name` is the {app} path segment as sent. */
  servoEvent(res: ServerResponse, name: string, body: Buffer): void;
  /** No route for this method and path; `route` says whose path it is when another method has one. */
  noRoute(req: IncomingMessage, res: ServerResponse, path: string, route: 'servo' | 'get' | undefined): void;
}
