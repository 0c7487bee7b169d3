#!/usr/bin/env node
// CPU per request of salvo's HTTP/2 session alone (send: HEADERS and, for gRPC, the message's DATA;
// read: frames, HPACK, trailers, judging), in process, no socket: the hot path that the h2c and gRPC
// rows of the bench measure together with the kernel, the event loop and the recorder. Answers are
// prebuilt frames, as a server would send them (header fields as literals, a server-timing in each).
//
// Usage: node bench/http2-session.mjs [h2c|grpc] [ROOT] [BATCHES]
//   ROOT: a salvo checkout with dist/ built (default: this one), so two builds can be run side by side.
// Prints one line: the kind, the root, and CPU nanoseconds (user + system) per request over BATCHES × 100 streams.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [kind = 'h2c', rootArg, batchesArg] = process.argv.slice(2);
if (kind !== 'h2c' && kind !== 'grpc') {
  console.error('usage: http2-session.mjs [h2c|grpc] [ROOT] [BATCHES]');
  process.exit(2);
}
const ROOT = path.resolve(rootArg ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const BATCHES = Number(batchesArg || 3000);
const STREAMS = 100;
const load = (file) => import(pathToFileURL(path.join(ROOT, 'dist/src/protocols', file)).href);

const { Http2Session } = await load('http2/session.js');
const { FrameWriter } = await load('http2/frames.js');
const { encodeHeaderBlock } = await load('http2/hpack.js');
const { httpDialect } = await load('http2/dialect.js');
const { frameMessage, grpcDialect } = await load('grpc/index.js');

const requestHeaders = encodeHeaderBlock([
  [':method', 'GET'],
  [':path', '/'],
  [':scheme', 'http'],
  [':authority', '127.0.0.1:1'],
  ['user-agent', 'salvo/bench'],
]);
const message = frameMessage(new Uint8Array([8, 0]));
const dialect =
  kind === 'h2c'
    ? httpDialect(requestHeaders, undefined)
    : grpcDialect({
        authority: '127.0.0.1:1',
        path: '/salvo.worker.Worker/Spin',
        metadata: [],
        deadlineMs: undefined,
        nextMessage: () => message,
        userAgent: 'salvo/bench',
      });

let ended = 0;
const session = new Http2Session({ dialect, streams: STREAMS }, { streamEnded: () => ended++, capacityChanged: () => {} });
session.start({ write() {}, destroy() {} });

// Frame types and flags (RFC 9113): DATA 0, HEADERS 1, SETTINGS 4; END_STREAM 1, END_HEADERS 4.
const writer = new FrameWriter();
const frame = (type, flags, streamId, payload) => payload.copy(writer.bytes(), writer.frame(type, flags, streamId, payload.length));
const maxStreams = Buffer.alloc(6);
maxStreams.writeUInt16BE(3, 0);
maxStreams.writeUInt32BE(STREAMS, 2);
frame(4, 0, 0, maxStreams);
const settings = writer.take();
session.reader.feed(settings, 0, settings.length);

const timing = ['server-timing', 'app;dur=0.012'];
const h2cAnswer = encodeHeaderBlock([[':status', '200'], ['content-length', '5'], timing]);
const grpcHeaders = encodeHeaderBlock([
  [':status', '200'],
  ['content-type', 'application/grpc'],
]);
const grpcTrailers = encodeHeaderBlock([['grpc-status', '0'], timing]);
const h2cBody = Buffer.from('hello');
const grpcReply = Buffer.from([0, 0, 0, 0, 3, 9, 0, 0]);
// The answers of each batch of streams, in stream id order (the session numbers its streams 1, 3, 5, ...).
const answers = [];
for (let batch = 0, streamId = 1; batch < BATCHES; batch++) {
  for (let i = 0; i < STREAMS; i++, streamId += 2) {
    if (kind === 'h2c') {
      frame(1, 4, streamId, h2cAnswer);
      frame(0, 1, streamId, h2cBody);
    } else {
      frame(1, 4, streamId, grpcHeaders);
      frame(0, 0, streamId, grpcReply);
      frame(1, 5, streamId, grpcTrailers);
    }
  }
  answers.push(writer.take());
}

const before = process.cpuUsage();
for (const answer of answers) {
  for (let i = 0; i < STREAMS; i++) session.send(0, 0);
  session.flush(); // what the next tick would do
  session.reader.feed(answer, 0, answer.length);
  session.newTurn();
}
const cpu = process.cpuUsage(before);
if (ended !== BATCHES * STREAMS) throw new Error(`${ended} of ${BATCHES * STREAMS} streams ended`);
console.log(`${kind} ${ROOT} ${Math.round(((cpu.user + cpu.system) * 1000) / (BATCHES * STREAMS))} ns/request`);
