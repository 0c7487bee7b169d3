// Writing answers: every answer of the emulator is a status and a ready body.

import type { ServerResponse } from 'node:http';

export const JSON_TYPE = 'application/json';

export function send(res: ServerResponse, status: number, body: Buffer | string, type = JSON_TYPE): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, ['Content-Type', type, 'Content-Length', String(bytes.length)]);
  res.end(bytes);
}

export function sendDetail(res: ServerResponse, status: number, detail: string): void {
  send(res, status, JSON.stringify({ detail }));
}
