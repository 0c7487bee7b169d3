import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser } from '../../../src/protocols/http1/response-parser.js';

type Reported = [status: number, keepAlive: boolean];

interface Case {
  name: string;
  bytes: string;
  /** Responses reported while feeding (before finish()). */
  expected: Reported[];
  /** When set, finish() must return true and report exactly these after feeding. */
  afterFinish?: Reported[];
  /** Parser built for HEAD requests. */
  head?: boolean;
  /** Some feed must return false (and every feed after it). */
  invalid?: boolean;
  /** Too big to split at every offset or feed byte by byte: sampled splits and 1000-byte pieces instead. */
  big?: boolean;
  todo?: string;
}

/** A response with a Content-Length body, the length counted here. */
function withBody(head: string, body: string): string {
  return `${head}Content-Length: ${body.length}\r\n\r\n${body}`;
}

const OK_EMPTY = 'HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n';

const valid: Case[] = [
  {
    name: 'the same Content-Length twice',
    bytes: `HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello${OK_EMPTY}`,
    expected: [
      [200, true],
      [202, true],
    ],
  },
  {
    name: 'Content-Length body',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
    expected: [[200, true]],
  },
  {
    name: 'Content-Length body containing CRLFCRLF and a fake response, then another response',
    bytes: withBody('HTTP/1.1 200 OK\r\n', '\r\n\r\nHTTP/1.1 500 Internal Server Error\r\n\r\n\r\n') + OK_EMPTY,
    expected: [
      [200, true],
      [202, true],
    ],
  },
  {
    name: 'Content-Length with surrounding spaces and tabs',
    bytes: `HTTP/1.1 200 OK\r\nContent-Length: \t 3 \t\r\n\r\nabc${OK_EMPTY}`,
    expected: [
      [200, true],
      [202, true],
    ],
  },
  {
    name: 'Content-Length: 0',
    bytes: 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n',
    expected: [[404, true]],
  },
  {
    name: 'status line without reason phrase',
    bytes: 'HTTP/1.1 503\r\nContent-Length: 1\r\n\r\nx',
    expected: [[503, true]],
  },
  {
    name: 'several pipelined responses in one buffer',
    bytes:
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc' +
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n' +
      'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\n\r\n' +
      'HTTP/1.1 429 Too Many Requests\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno',
    expected: [
      [200, true],
      [201, true],
      [500, true],
      [204, true],
      [429, false],
    ],
  },
  {
    name: 'chunked: several chunks, extensions, trailers',
    bytes:
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '4\r\nWiki\r\n' +
      '5;name=value\r\npedia\r\n' +
      'E ; a="b;c"\r\n in\r\n\r\nchunks.\r\n' +
      '0;last\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\nX-Trailer: y\r\n\r\n' +
      OK_EMPTY,
    expected: [
      [200, true],
      [202, true],
    ],
  },
  {
    name: 'chunked without trailers, then a pipelined response',
    bytes: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n${OK_EMPTY}`,
    expected: [
      [200, true],
      [202, true],
    ],
  },
  {
    name: 'chunked with uppercase hex sizes',
    bytes:
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '1A\r\nabcdefghijklmnopqrstuvwxyz\r\n' +
      '0B\r\nHTTP/1.1 20\r\n' +
      'c\r\n0123456789ab\r\n' +
      '0\r\n\r\n' +
      OK_EMPTY,
    expected: [
      [200, true],
      [202, true],
    ],
  },
  {
    name: '204 and 304 have no body whatever they announce',
    bytes:
      'HTTP/1.1 204 No Content\r\n\r\n' +
      'HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\nETag: "x"\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    expected: [
      [204, true],
      [304, true],
      [204, true],
      [200, true],
    ],
  },
  {
    name: '100 Continue and 103 Early Hints before the 200: only the 200 is reported',
    bytes:
      'HTTP/1.1 100 Continue\r\n\r\n' +
      'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    expected: [[200, true]],
  },
  {
    name: 'HTTP/1.0 response is not keep-alive',
    bytes: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok',
    expected: [[200, false]],
  },
  {
    name: 'HTTP/1.0 response with Connection: keep-alive',
    bytes:
      'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok' +
      'HTTP/1.0 201 Created\r\nconnection: keep-alive\r\nContent-Length: 0\r\n\r\n',
    expected: [
      [200, true],
      [201, true],
    ],
  },
  {
    name: 'Connection: close',
    bytes: 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok',
    expected: [[200, false]],
  },
  {
    name: 'Connection: Close in mixed case among other tokens',
    bytes: 'HTTP/1.1 500 Oops\r\nCONNECTION: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n',
    expected: [[500, false]],
  },
  {
    name: 'header names in mixed case',
    bytes:
      'HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 3\r\n\r\nabc' +
      'HTTP/1.1 201 Created\r\ntransfer-ENCODING: Chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n' +
      'HTTP/1.1 203 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n' +
      OK_EMPTY,
    expected: [
      [200, true],
      [201, true],
      [203, true],
      [202, true],
    ],
  },
  {
    name: 'close-delimited body: nothing until finish()',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body\r\n\r\nHTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n',
    expected: [],
    afterFinish: [[200, false]],
  },
  {
    name: 'close-delimited body after a framed response',
    bytes: 'HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nxHTTP/1.0 200 OK\r\n\r\nrest',
    expected: [[201, true]],
    afterFinish: [[200, false]],
  },
  {
    name: 'close-delimited with a Transfer-Encoding that is not chunked last',
    bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n',
    expected: [],
    afterFinish: [[200, false]],
  },
  {
    name: 'HEAD mode: Content-Length ignored, no body expected',
    head: true,
    bytes:
      'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n' +
      'HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n' +
      'HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 7\r\n\r\n',
    expected: [
      [200, true],
      [404, true],
      [200, true],
      [500, false],
    ],
  },
  {
    name: 'a 60 KiB head is accepted',
    big: true,
    bytes: `HTTP/1.1 200 OK\r\nX-Pad: ${'a'.repeat(60_000)}\r\nContent-Length: 2\r\n\r\nok${OK_EMPTY}`,
    expected: [
      [200, true],
      [202, true],
    ],
  },
];

const invalid: Case[] = [
  { name: 'garbage status line', bytes: 'HELLO WORLD\r\nContent-Length: 0\r\n\r\n', expected: [], invalid: true },
  { name: 'HTTP/2 status line', bytes: 'HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n', expected: [], invalid: true },
  { name: 'letters for a status', bytes: 'HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n', expected: [], invalid: true },
  { name: 'status below 100', bytes: 'HTTP/1.1 099 Nope\r\nContent-Length: 0\r\n\r\n', expected: [], invalid: true },
  { name: 'no space after the version', bytes: 'HTTP/1.1200 OK\r\nContent-Length: 0\r\n\r\n', expected: [], invalid: true },
  {
    name: 'non-digit inside the status code',
    bytes: 'HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n',
    expected: [],
    invalid: true,
  },
  { name: 'header line without a colon', bytes: 'HTTP/1.1 200 OK\r\nnot a header\r\n\r\n', expected: [], invalid: true },
  { name: 'non-numeric Content-Length', bytes: 'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n', expected: [], invalid: true },
  { name: 'Content-Length with trailing letters', bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n', expected: [], invalid: true },
  { name: 'negative Content-Length', bytes: 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', expected: [], invalid: true },
  { name: 'empty Content-Length', bytes: 'HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n', expected: [], invalid: true },
  // RFC 9112 §6.3: framing that cannot be known is an error at once, not a wait that ends as a timeout.
  {
    name: 'two different Content-Length values',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 10\r\n\r\nhello',
    expected: [],
    invalid: true,
  },
  {
    name: 'Transfer-Encoding and Content-Length together',
    bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    expected: [],
    invalid: true,
  },
  {
    name: 'Content-Length before Transfer-Encoding',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\nhello',
    expected: [],
    invalid: true,
  },
  { name: 'bad chunk size', bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', expected: [], invalid: true },
  { name: 'empty chunk size', bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nab\r\n0\r\n\r\n', expected: [], invalid: true },
  { name: 'negative chunk size', bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n', expected: [], invalid: true },
  {
    name: 'a valid response then garbage',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE GARBAGE\r\n\r\n',
    expected: [[200, true]],
    invalid: true,
  },
  {
    name: 'head over 64 KiB without end',
    bytes: `HTTP/1.1 200 OK\r\nX-Pad: ${'a'.repeat(70_000)}`,
    expected: [],
    invalid: true,
    big: true,
  },
];

/** What a previous, longer read left in the shared buffer: enough to complete a head if a parser read past `end`. */
const STALE = Buffer.from('\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n0\r\n\r\n', 'latin1');

interface Outcome {
  results: boolean[];
  responses: Reported[];
  parser: ResponseParser;
}

/** Feeds `pieces` one after another through one scratch buffer full of stale bytes, as the pool's shared read buffer does. */
function feedPieces(pieces: Buffer[], head: boolean, offset = 0): Outcome {
  const responses: Reported[] = [];
  const parser = new ResponseParser((status, keepAlive) => responses.push([status, keepAlive]), head);
  const longest = Math.max(0, ...pieces.map((piece) => piece.length));
  const scratch = Buffer.alloc(offset + longest + 2 * STALE.length);
  const results: boolean[] = [];
  for (const piece of pieces) {
    scratch.fill(STALE);
    piece.copy(scratch, offset);
    results.push(parser.feed(scratch, offset, offset + piece.length));
  }
  return { results, responses, parser };
}

function split(bytes: Buffer, at: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of at) {
    pieces.push(bytes.subarray(from, cut));
    from = cut;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

function inPiecesOf(bytes: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let from = 0; from < bytes.length; from += size) pieces.push(bytes.subarray(from, from + size));
  return pieces;
}

function check(c: Case, outcome: Outcome, how: string): void {
  const { results, responses, parser } = outcome;
  if (c.invalid) {
    const firstFalse = results.indexOf(false);
    assert.notEqual(firstFalse, -1, `${how}: every feed returned true`);
    assert.ok(
      results.slice(firstFalse).every((result) => !result),
      `${how}: a feed after the failure returned true: ${JSON.stringify(results)}`,
    );
    assert.deepEqual(responses, c.expected, `${how}: responses`);
    assert.equal(parser.finish(), false, `${how}: finish() after a failure`);
    assert.deepEqual(responses, c.expected, `${how}: responses after finish()`);
    return;
  }
  assert.ok(
    results.every((result) => result),
    `${how}: feed returned false at piece ${results.indexOf(false)}`,
  );
  assert.deepEqual(responses, c.expected, `${how}: responses`);
  if (c.afterFinish) {
    assert.equal(parser.finish(), true, `${how}: finish()`);
    assert.deepEqual(responses, [...c.expected, ...c.afterFinish], `${how}: responses after finish()`);
  } else {
    assert.equal(parser.finish(), false, `${how}: finish()`);
    assert.deepEqual(responses, c.expected, `${how}: responses after finish()`);
  }
}

for (const [group, cases] of [
  ['valid', valid],
  ['invalid', invalid],
] as const) {
  describe(`ResponseParser: ${group} input`, () => {
    for (const c of cases) {
      const bytes = Buffer.from(c.bytes, 'latin1');
      const head = c.head ?? false;
      const options = c.todo ? { todo: c.todo } : {};
      describe(c.name, () => {
        test('whole buffer at once', options, () => {
          check(c, feedPieces([bytes], head), 'whole');
        });

        test('whole buffer at a nonzero start, stale bytes on both sides', options, () => {
          check(c, feedPieces([bytes], head, 7), 'whole at 7');
        });

        test('split in two at every offset', options, () => {
          const cuts = c.big
            ? [1, 17, 1000, 65_535, 65_536, 65_537, bytes.length - 3, bytes.length - 1].filter((at) => at > 0 && at < bytes.length)
            : Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
          for (const at of cuts) check(c, feedPieces(split(bytes, [at]), head), `split at ${at}`);
        });

        test(c.big ? 'fed 1000 bytes at a time' : 'fed one byte at a time', options, () => {
          check(c, feedPieces(inPiecesOf(bytes, c.big ? 1000 : 1), head), 'bytewise');
        });
      });
    }
  });
}

describe('ResponseParser: state', () => {
  test('a head of exactly 64 KiB without end still waits; one byte more fails', () => {
    const bytes = Buffer.from(`HTTP/1.1 200 OK\r\nX-Pad: ${'a'.repeat(64 * 1024)}`, 'latin1').subarray(0, 64 * 1024 + 1);
    const atLimit = feedPieces([bytes.subarray(0, 64 * 1024)], false);
    assert.deepEqual(atLimit.results, [true]);
    const over = feedPieces([bytes.subarray(0, 64 * 1024), bytes.subarray(64 * 1024)], false);
    assert.deepEqual(over.results, [true, false]);
  });

  test('failure is sticky: nothing more is parsed after invalid bytes', () => {
    const responses: Reported[] = [];
    const parser = new ResponseParser((status, keepAlive) => responses.push([status, keepAlive]));
    const garbage = Buffer.from('NOPE\r\n\r\n', 'latin1');
    const good = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'latin1');
    assert.equal(parser.feed(garbage, 0, garbage.length), false);
    assert.equal(parser.feed(good, 0, good.length), false);
    assert.deepEqual(responses, []);
  });

  test('finish() mid-body reports nothing and returns false', () => {
    const responses: Reported[] = [];
    const parser = new ResponseParser((status, keepAlive) => responses.push([status, keepAlive]));
    const bytes = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 'latin1');
    assert.equal(parser.feed(bytes, 0, bytes.length), true);
    assert.equal(parser.finish(), false);
    assert.deepEqual(responses, []);
  });

  test('an empty range is a no-op', () => {
    const responses: Reported[] = [];
    const parser = new ResponseParser((status, keepAlive) => responses.push([status, keepAlive]));
    const bytes = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'latin1');
    assert.equal(parser.feed(bytes, 5, 5), true);
    assert.deepEqual(responses, []);
    assert.equal(parser.feed(bytes, 0, bytes.length), true, 'an empty range leaves the parser at the start of a response');
    assert.deepEqual(responses, [[200, true]]);
  });
});

describe('ResponseParser: the service time of Server-Timing', () => {
  const serviceTimes = (text: string): number[] => {
    const seen: number[] = [];
    const parser = new ResponseParser((_status, _keepAlive, serviceUs) => seen.push(serviceUs));
    const bytes = Buffer.from(text, 'latin1');
    assert.equal(parser.feed(bytes, 0, bytes.length), true);
    return seen;
  };

  test('each response gets its own, and one without the header gets none', () => {
    const timed = 'HTTP/1.1 200 OK\r\nServer-Timing: app;dur=4.5\r\nContent-Length: 2\r\n\r\nok';
    const plain = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    assert.deepEqual(serviceTimes(timed + plain + timed), [4500, -1, 4500]);
  });

  test('the first Server-Timing header counts; the name is matched whatever its case', () => {
    assert.deepEqual(serviceTimes('HTTP/1.1 204 No Content\r\nserver-TIMING: db;dur=1\r\nServer-Timing: app;dur=9\r\n\r\n'), [1000]);
  });
});
