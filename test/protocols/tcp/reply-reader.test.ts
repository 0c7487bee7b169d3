import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DelimitedReplyReader, FixedSizeReplyReader } from '../../../src/protocols/tcp/reply-reader.js';
import type { ReplyReader } from '../../../src/protocols/socket-pool.js';

/** Feeds `chunks` one by one and returns, after each, how many replies were complete so far. */
function repliesAfterEach(make: (onReply: (status: number, keepAlive: boolean) => void) => ReplyReader, chunks: string[]): number[] {
  let replies = 0;
  const reader = make((status, keepAlive) => {
    assert.equal(status, 0, 'raw TCP has no status');
    assert.equal(keepAlive, true);
    replies++;
  });
  return chunks.map((chunk) => {
    // Offsets inside a larger buffer, as the pool's shared read buffer gives them.
    const buffer = Buffer.from(`@@${chunk}##`, 'latin1');
    assert.equal(reader.feed(buffer, 2, buffer.length - 2), true);
    return replies;
  });
}

describe('DelimitedReplyReader', () => {
  const cases: [string, string, string[], number[]][] = [
    ['one-byte delimiter, several replies per read', '\n', ['a\nb\nc', '\n'], [2, 3]],
    ['one-byte delimiter split nowhere', '\n', ['abc', 'def', '\n'], [0, 0, 1]],
    ['two-byte delimiter split across reads', '\r\n', ['PONG\r', '\nPONG\r\n\r', '\n'], [0, 2, 3]],
    ['a false start inside the delimiter (KMP)', '\r\n', ['x\r\r\n'], [1]],
    ['overlapping prefix: "aab" in "aaab"', 'aab', ['a', 'a', 'a', 'b'], [0, 0, 0, 1]],
    ['a lone delimiter is an empty reply', 'END', ['ENDEND', 'EN', 'D'], [2, 2, 3]],
  ];
  for (const [name, delimiter, chunks, expected] of cases) {
    test(name, () => {
      assert.deepEqual(
        repliesAfterEach((onReply) => new DelimitedReplyReader(onReply, Buffer.from(delimiter, 'latin1')), chunks),
        expected,
      );
    });
  }
  test('bytes outside [start, end) are never read', () => {
    assert.deepEqual(
      repliesAfterEach((onReply) => new DelimitedReplyReader(onReply, Buffer.from('#')), ['no delimiter here']),
      [0],
    );
  });
});

describe('FixedSizeReplyReader', () => {
  const cases: [string, number, string[], number[]][] = [
    ['exact reads', 4, ['PONG', 'PONG'], [1, 2]],
    ['replies split and joined across reads', 4, ['PO', 'NGPO', 'NGPONGP', 'ONG'], [0, 1, 3, 4]],
    ['one byte each', 1, ['abc'], [3]],
  ];
  for (const [name, size, chunks, expected] of cases) {
    test(name, () => {
      assert.deepEqual(
        repliesAfterEach((onReply) => new FixedSizeReplyReader(onReply, size), chunks),
        expected,
      );
    });
  }
});
