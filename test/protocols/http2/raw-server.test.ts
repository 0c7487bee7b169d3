import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { validatePlan } from '../../../src/plan/index.js';
import { Flag, FrameReader, FrameType, FrameWriter } from '../../../src/protocols/http2/frames.js';
import { run } from '../../../src/runner/index.js';

const PREFACE_BYTES = 24;

/** Frame bytes: type, flags, stream id and a hex payload. */
function frame(type: FrameType, flags: number, streamId: number, payloadHex = ''): Buffer {
  const payload = Buffer.from(payloadHex.replace(/\s/g, ''), 'hex');
  const writer = new FrameWriter();
  payload.copy(writer.bytes(), writer.frame(type, flags, streamId, payload.length));
  return writer.take();
}

/**
 * A hand-written HTTP/2 server: it sends an empty SETTINGS, reads the client's frames with salvo's
 * own reader, and answers each request's HEADERS with the bytes `answer` gives, so a test can send
 * what node:http2 never would.
 */
async function rawServer(answer: (streamId: number) => Buffer): Promise<{ url: string; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = {
    url: '',
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write(frame(FrameType.Settings, 0, 0));
    let preface = PREFACE_BYTES;
    const reader = new FrameReader({
      onHeaders: (streamId) => {
        if (!socket.destroyed) socket.write(answer(streamId));
        return true;
      },
      onData: () => true,
      onFrame: (type, flags) => {
        if (type === FrameType.Settings && (flags & Flag.Ack) === 0) socket.write(frame(FrameType.Settings, Flag.Ack, 0));
        return true;
      },
    });
    socket.on('data', (chunk: Buffer) => {
      const skip = Math.min(preface, chunk.length);
      preface -= skip;
      reader.feed(chunk, skip, chunk.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `h2c://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return state;
}

const atRate = (url: string) =>
  validatePlan({ target: { url }, executor: { type: 'constant-arrival-rate', ratePerSec: 40, durationMs: 250 }, connections: 1, timeoutMs: 1000 });

// Header blocks (HPACK): 0x88 is :status 200 from the static table; 0x08 0x03 "103" a literal :status 103; 0x5f... a content-type.
const STATUS_200 = '88';
const STATUS_103 = '08 03 313033';
const NO_STATUS = '0f 10 0a 746578742f706c61696e';

describe('HTTP/2 client against a hand-written server', () => {
  const cases: [string, (id: number) => Buffer, Record<string, number>, Record<string, number>][] = [
    [
      'an informational 103 is skipped; the final 200 counts',
      (id) =>
        Buffer.concat([frame(FrameType.Headers, Flag.EndHeaders, id, STATUS_103), frame(FrameType.Headers, Flag.EndHeaders | Flag.EndStream, id, STATUS_200)]),
      { '200': 10 },
      {},
    ],
    [
      'a response without :status counts as protocol, and only its stream is reset',
      (id) => frame(FrameType.Headers, Flag.EndHeaders | Flag.EndStream, id, NO_STATUS),
      {},
      { protocol: 10 },
    ],
    ['DATA before the response headers counts as protocol', (id) => frame(FrameType.Data, Flag.EndStream, id, '6f6b'), {}, { protocol: 10 }],
    [
      'a header block that is not HPACK fails the connection as protocol',
      (id) => frame(FrameType.Headers, Flag.EndHeaders | Flag.EndStream, id, '80'),
      {},
      { protocol: 10 },
    ],
    [
      'a server PING is answered and does not disturb the streams',
      (id) => Buffer.concat([frame(FrameType.Ping, 0, 0, '0102030405060708'), frame(FrameType.Headers, Flag.EndHeaders | Flag.EndStream, id, STATUS_200)]),
      { '200': 10 },
      {},
    ],
  ];
  for (const [name, answer, statusCodes, errors] of cases) {
    test(name, async () => {
      const server = await rawServer(answer);
      try {
        const result = await run(atRate(server.url));
        assert.deepEqual(result.summary.statusCodes, statusCodes);
        assert.deepEqual(result.summary.errors, errors);
        assert.equal(result.summary.requests.sent, 10);
      } finally {
        await server.close();
      }
    });
  }

  test('a stream error keeps the connection; an HPACK error replaces it', async () => {
    const streamError = await rawServer((id) => frame(FrameType.Headers, Flag.EndHeaders | Flag.EndStream, id, NO_STATUS));
    const connectionError = await rawServer((id) => frame(FrameType.Headers, Flag.EndHeaders | Flag.EndStream, id, '80'));
    try {
      await run(atRate(streamError.url));
      await run(atRate(connectionError.url));
      assert.equal(streamError.connections, 1);
      // Each error ends the connection the failed streams were on (how many shared one depends on timing).
      assert.ok(connectionError.connections > 1, `${connectionError.connections} connections`);
    } finally {
      await streamError.close();
      await connectionError.close();
    }
  });
});
