import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Flag, FrameReader, FrameType, FrameWriter, type FrameHandler } from '../../../src/protocols/http2/frames.js';

function frame(type: FrameType, flags: number, streamId: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const writer = new FrameWriter();
  const body = typeof payload === 'string' ? Buffer.from(payload.replace(/\s/g, ''), 'hex') : payload;
  const at = writer.frame(type, flags, streamId, body.length);
  body.copy(writer.bytes(), at);
  return writer.take();
}

/** A handler that writes down every event, copying payloads (the reader's views die with the call). */
function recorder(): { handler: FrameHandler; events: string[] } {
  const events: string[] = [];
  return {
    events,
    handler: {
      onHeaders: (streamId, endStream, block, start, end) =>
        events.push(`headers ${streamId} end=${endStream} ${block.subarray(start, end).toString('hex')}`) > 0,
      onData: (streamId, flowBytes, endStream) => events.push(`data ${streamId} ${flowBytes} end=${endStream}`) > 0,
      onFrame: (type, flags, streamId, payload, start, end) =>
        events.push(`frame ${type} ${flags} ${streamId} ${payload.subarray(start, end).toString('hex')}`) > 0,
    },
  };
}

/** Feeds `chunks` as the pool does: each copied into one read buffer that the next read overwrites. */
function feedChunks(reader: FrameReader, chunks: Buffer[]): boolean {
  const readBuffer = Buffer.alloc(64 * 1024);
  for (const chunk of chunks) {
    chunk.copy(readBuffer);
    if (!reader.feed(readBuffer, 0, chunk.length)) return false;
    readBuffer.fill(0xee, 0, chunk.length); // stale bytes must never be read again
  }
  return true;
}

const block = 'aabbccddeeff0011';
const STREAM = Buffer.concat([
  frame(FrameType.Settings, 0, 0, '0003 00000064 0004 00010000'),
  // HEADERS with padding (3 bytes) and priority (5 bytes), then two CONTINUATION frames.
  frame(FrameType.Headers, Flag.Padded | Flag.Priority, 1, `03 80000000 10 ${block.slice(0, 4)} 000000`),
  frame(FrameType.Continuation, 0, 1, block.slice(4, 10)),
  frame(FrameType.Continuation, Flag.EndHeaders, 1, block.slice(10)),
  frame(FrameType.Data, Flag.Padded, 1, `02 68656c6c6f 0000`),
  frame(FrameType.Data, Flag.EndStream, 1),
  frame(FrameType.Headers, Flag.EndHeaders | Flag.EndStream, 3, '88'),
  frame(FrameType.Ping, 0, 0, '0102030405060708'),
  frame(FrameType.Settings, Flag.Ack, 0),
  frame(FrameType.Data, Flag.EndStream, 3, Buffer.alloc(10000, 7)),
  frame(FrameType.Goaway, 0, 0, '00000003 00000000'),
]);
const EXPECTED = [
  'frame 4 0 0 000300000064000400010000',
  `headers 1 end=false ${block}`,
  'data 1 8 end=false', // flow control counts the pad length byte and the padding
  'data 1 0 end=true',
  'headers 3 end=true 88',
  'frame 6 0 0 0102030405060708',
  'frame 4 1 0 ',
  'data 3 10000 end=true',
  'frame 7 0 0 0000000300000000',
];

describe('HTTP/2 frame reader', () => {
  test('reads frames, joins CONTINUATION, strips padding and priority', () => {
    const { handler, events } = recorder();
    assert.equal(feedChunks(new FrameReader(handler), [STREAM]), true);
    assert.deepEqual(events, EXPECTED);
  });

  test('the same events whatever offset the bytes are split at', () => {
    for (let split = 1; split < STREAM.length; split++) {
      const { handler, events } = recorder();
      assert.equal(feedChunks(new FrameReader(handler), [STREAM.subarray(0, split), STREAM.subarray(split)]), true, `split at ${split}`);
      assert.deepEqual(events, EXPECTED, `split at ${split}`);
    }
  });

  test('the same events a byte at a time', () => {
    const { handler, events } = recorder();
    const bytes = [...STREAM].map((byte) => Buffer.from([byte]));
    assert.equal(feedChunks(new FrameReader(handler), bytes), true);
    assert.deepEqual(events, EXPECTED);
  });

  const errors: [string, Buffer][] = [
    ['a frame longer than SETTINGS_MAX_FRAME_SIZE (16384)', frame(FrameType.Ping, 0, 0, Buffer.alloc(16385))],
    [
      'another frame between HEADERS and its CONTINUATION',
      Buffer.concat([frame(FrameType.Headers, 0, 1, '82'), frame(FrameType.Ping, 0, 0, '0000000000000000')]),
    ],
    ['CONTINUATION of another stream', Buffer.concat([frame(FrameType.Headers, 0, 1, '82'), frame(FrameType.Continuation, Flag.EndHeaders, 3, '82')])],
    ['CONTINUATION without HEADERS', frame(FrameType.Continuation, Flag.EndHeaders, 1, '82')],
    ['HEADERS on stream 0', frame(FrameType.Headers, Flag.EndHeaders, 0, '82')],
    ['padding longer than the frame', frame(FrameType.Headers, Flag.EndHeaders | Flag.Padded, 1, '05 82')],
  ];
  for (const [name, bytes] of errors) {
    test(`a connection error: ${name}`, () => {
      assert.equal(feedChunks(new FrameReader(recorder().handler), [bytes]), false);
    });
  }

  test('a handler that refuses a frame stops the reader', () => {
    const handler: FrameHandler = { onHeaders: () => true, onData: () => true, onFrame: () => false };
    assert.equal(feedChunks(new FrameReader(handler), [frame(FrameType.Ping, 0, 0, '0000000000000000')]), false);
  });
});

describe('HTTP/2 frame writer', () => {
  test('frames are written back to back and taken as one buffer', () => {
    const writer = new FrameWriter();
    writer.frame(FrameType.Settings, Flag.Ack, 0, 0);
    const at = writer.frame(FrameType.WindowUpdate, 0, 5, 4);
    writer.bytes().writeUInt32BE(1000, at);
    assert.equal(writer.take().toString('hex'), '000000040100000000' + '000004080000000005' + '000003e8');
    assert.equal(writer.length, 0);
  });

  test('grows past its first buffer without losing what it holds', () => {
    const writer = new FrameWriter();
    for (let i = 0; i < 3; i++) writer.frame(FrameType.Data, 0, 1, 10000);
    const bytes = writer.take();
    assert.equal(bytes.length, 3 * (9 + 10000));
    assert.equal(bytes.readUIntBE(9 + 10000, 3), 10000, 'the second frame header is intact');
  });
});
