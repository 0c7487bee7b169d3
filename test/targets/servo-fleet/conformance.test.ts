// Conformance with the original Voracious: a recorded sequence of requests (test/fixtures/voracious/
// cases.json) replayed against `salvo serve servo-fleet --apps 5`, each answer compared to the one
// the original gave (answers.json, recorded from voracious.py itself by record.py): same status,
// same body to the byte. The cases share one emulator, in order, as they shared the original.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { startServoFleet, type RunningServoFleet } from '../../../src/targets/servo-fleet/server.js';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: string;
  bodyBase64?: string;
  /** "status": the body is a page of our own (Swagger UI, ReDoc), only the status is compared. */
  compare?: 'status';
}

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../../../../test/fixtures/voracious/${name}`, import.meta.url), 'utf8'));
const cases: Case[] = fixture('cases.json').cases;
const answers: { name: string; status: number; body: string }[] = fixture('answers.json').answers;

function send(base: string, c: Case): Promise<{ status: number; body: string }> {
  const body = c.bodyBase64 !== undefined ? Buffer.from(c.bodyBase64, 'base64') : c.body !== undefined ? Buffer.from(c.body) : undefined;
  return new Promise((resolve, reject) => {
    // curl -d's content type, as the original's README sends events: the original reads any body as JSON.
    const req = request(
      new URL(c.path, base),
      { method: c.method, headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('servo-fleet answers as the original Voracious does', () => {
  let target: RunningServoFleet;
  before(async () => {
    target = await startServoFleet({ apps: 5, log: () => {} });
  });
  after(() => target.close());

  test('the recording covers every case', () => {
    assert.deepEqual(
      answers.map((a) => a.name),
      cases.map((c) => c.name),
    );
  });

  cases.forEach((c, i) => {
    test(`${c.method} ${c.path}: ${c.name}`, async () => {
      const answer = answers[i]!;
      const reply = await send(target.url, c);
      assert.equal(reply.status, answer.status, reply.body);
      if (c.compare !== 'status') assert.equal(reply.body, answer.body);
    });
  });
});
