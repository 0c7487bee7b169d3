import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ABSENT, encodeHeaderBlock, HEADER_TABLE_BYTES, HpackDecoder, type ResponseField } from '../../../src/protocols/http2/hpack.js';
import { decodeHuffman } from '../../../src/protocols/http2/huffman.js';
import { SERVER_TIMING, serviceUsOf } from '../../../src/protocols/server-timing.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');

/** Decodes `block` whole; returns the :status (or -1) and leaves the decoder's table for the caller to check. */
const decode = (decoder: HpackDecoder, block: Buffer): number => decoder.decode(block, 0, block.length);

interface Step {
  block: string;
  status: number;
  /** The dynamic table afterwards, newest first, and its size, as the RFC lists them. */
  table: [string, string][];
  size: number;
}

const authority: [string, string] = [':authority', 'www.example.com'];
const noCache: [string, string] = ['cache-control', 'no-cache'];
const custom: [string, string] = ['custom-key', 'custom-value'];
const requestTables: Omit<Step, 'block'>[] = [
  { status: 0, table: [authority], size: 57 },
  { status: 0, table: [noCache, authority], size: 110 },
  { status: 0, table: [custom, noCache, authority], size: 164 },
];

const location: [string, string] = ['location', 'https://www.example.com'];
const date21: [string, string] = ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'];
const privateCache: [string, string] = ['cache-control', 'private'];
const cookie: [string, string] = ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'];
const responseTables: Omit<Step, 'block'>[] = [
  { status: 302, table: [location, date21, privateCache, [':status', '302']], size: 222 },
  { status: 307, table: [[':status', '307'], location, date21, privateCache], size: 222 },
  { status: 200, table: [cookie, ['content-encoding', 'gzip'], ['date', 'Mon, 21 Oct 2013 20:13:22 GMT']], size: 215 },
];

// RFC 7541 Appendix C: each example is a sequence of blocks on one connection, so every step depends on the table the last one left.
const EXAMPLES: [string, number, string[], Omit<Step, 'block'>[]][] = [
  [
    'C.3 requests without Huffman coding',
    4096,
    [
      '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      '8286 84be 5808 6e6f 2d63 6163 6865',
      '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
    ],
    requestTables,
  ],
  [
    'C.4 requests with Huffman coding',
    4096,
    ['8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff', '8286 84be 5886 a8eb 1064 9cbf', '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'],
    requestTables,
  ],
  [
    'C.5 responses without Huffman coding (256-byte table: entries are evicted)',
    256,
    [
      '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      '4803 3330 37c1 c0bf',
      '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
    ],
    responseTables,
  ],
  [
    'C.6 responses with Huffman coding (256-byte table: entries are evicted)',
    256,
    [
      '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
      '4883 640e ffc1 c0bf',
      '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
    ],
    responseTables,
  ],
];

describe('HPACK decoder: RFC 7541 Appendix C', () => {
  for (const [name, tableBytes, blocks, steps] of EXAMPLES) {
    test(name, () => {
      const decoder = new HpackDecoder(tableBytes);
      blocks.forEach((block, i) => {
        const step = steps[i]!;
        assert.equal(decode(decoder, hex(block)), step.status, `status of block ${i + 1}`);
        // The decoder keeps each entry's name and size (values it never reads back are measured, not kept).
        const expected = step.table.map(([name, value]) => [name, name.length + value.length + 32]);
        assert.deepEqual(decoder.entries(), expected, `table after block ${i + 1}`);
        assert.equal(decoder.tableSize(), step.size, `table size after block ${i + 1}`);
      });
    });
  }
});

describe('HPACK decoder: what a client meets', () => {
  test(':status as a literal without indexing (nginx sends 404 so) is read, and not added to the table', () => {
    const decoder = new HpackDecoder();
    // 0x08: literal without indexing, name = static index 8 (:status); then a Huffman value "404", then a skipped literal.
    assert.equal(decode(decoder, Buffer.concat([hex('08 83 680d7f'), hex('0f 10 02 6f6b')])), 404);
    assert.deepEqual(decoder.entries(), []);
  });

  test('values of fields that are not indexed are skipped unread, even invalid Huffman', () => {
    // 0x10: never indexed, new name "x" (raw), value flagged Huffman with bytes that are not valid Huffman (EOS).
    assert.equal(decode(new HpackDecoder(), hex('88 10 01 78 84 ffffffff')), 200);
  });

  test('a server-timing field gives the block its service time, and an indexed one gives it again from the table', () => {
    const decoder = new HpackDecoder(HEADER_TABLE_BYTES, [{ name: SERVER_TIMING, parse: serviceUsOf }]);
    const name = Buffer.from('server-timing', 'latin1');
    const value = Buffer.from('app;dur=12.5', 'latin1');
    // 0x40: literal with incremental indexing, new name; then the indexed field 62 (0xbe), the newest dynamic entry.
    const literal = Buffer.concat([hex('88 40'), Buffer.from([name.length]), name, Buffer.from([value.length]), value]);
    assert.equal(decode(decoder, literal), 200);
    assert.equal(decoder.value(0), 12_500);
    assert.equal(decode(decoder, hex('88 be')), 200);
    assert.equal(decoder.value(0), 12_500, 'read back out of the dynamic table');
    assert.equal(decode(decoder, hex('88')), 200);
    assert.equal(decoder.value(0), -1, 'a block without one carries none');
    // 0x00: literal without indexing, new name: read, not added to the table.
    assert.equal(decode(decoder, Buffer.concat([hex('00'), Buffer.from([name.length]), name, hex('08'), Buffer.from('a;dur=3.', 'latin1')])), 0);
    assert.equal(decoder.value(0), 3000);
    assert.equal(decoder.entries().length, 1);
  });

  test('a block without :status (trailers) returns 0', () => {
    assert.equal(decode(new HpackDecoder(), hex('0f 10 02 6f6b')), 0);
  });

  test('a size update empties the table, and only the start of a block may carry one', () => {
    const decoder = new HpackDecoder();
    decode(decoder, hex('4803 3330 32'));
    assert.equal(decoder.entries().length, 1);
    assert.equal(decode(decoder, hex('20 88')), 200, 'size 0, then :status 200');
    assert.deepEqual(decoder.entries(), []);
    assert.equal(decode(decoder, hex('88 20')), -1, 'an update after a field');
  });

  test('an entry larger than the table empties it and is not kept', () => {
    const decoder = new HpackDecoder(64);
    decode(decoder, hex('4803 3330 32')); // 42 bytes
    // Name "a" and a 32-byte value: 1 + 32 + 32 = 65 bytes, one more than the table.
    assert.equal(decode(decoder, hex(`40 01 61 20 ${'62'.repeat(32)}`)), 0);
    assert.deepEqual(decoder.entries(), []);
    assert.equal(decoder.tableSize(), 0);
  });

  const invalid: [string, string][] = [
    ['index 0', '80'],
    ['an index past the dynamic table', 'be'],
    ['a size update above our setting (4097)', '3f e2 1f'],
    ['a string running past the block', '40 05 61'],
    ['an integer running past the block', 'ff'],
    ['an integer too large', 'ff ff ff ff ff 0f'],
    ['indexed Huffman with the EOS symbol', '40 01 61 84 ffffffff'],
  ];
  for (const [name, block] of invalid) {
    test(`not HPACK: ${name}`, () => assert.equal(decode(new HpackDecoder(), hex(block)), -1));
  }
});

describe('HPACK decoder: fields read besides :status', () => {
  const digits: ResponseField = { name: 'x-n', parse: (bytes, start, end) => Number(Buffer.from(bytes.subarray(start, end)).toString('latin1')) };
  const other: ResponseField = { name: 'x-other', parse: () => 7 };
  // "x-n" is 03 782d6e; a literal with incremental indexing and a new name is 40.
  const literalNew = (value: string): string => `40 03 782d6e 0${value.length} ${Buffer.from(value).toString('hex')}`;

  test('a value is read from a literal, and again from the table when a later block refers to it', () => {
    const decoder = new HpackDecoder(HEADER_TABLE_BYTES, [digits, other]);
    assert.equal(decode(decoder, hex(`88 ${literalNew('14')}`)), 200);
    assert.equal(decoder.value(0), 14);
    assert.equal(decoder.value(1), ABSENT, 'a field the block does not carry');
    assert.equal(decode(decoder, hex('be')), 0, 'index 62: the entry just added');
    assert.equal(decoder.value(0), 14);
    // 0x7e: literal with indexing, name from index 62 (x-n), new value "3"; then 62 is that, 63 the older.
    assert.equal(decode(decoder, hex('7e 01 33')), 0);
    assert.equal(decoder.value(0), 3);
    decode(decoder, hex('bf'));
    assert.equal(decoder.value(0), 14);
    decode(decoder, hex('0f 10 02 6f6b'));
    assert.equal(decoder.value(0), ABSENT, 'each block starts with nothing read');
  });

  test('a field that is not indexed is read too, and the table is kept as without fields', () => {
    const reading = new HpackDecoder(HEADER_TABLE_BYTES, [digits]);
    const plain = new HpackDecoder();
    // 0x00: literal without indexing, new name; then an indexed literal of another name.
    const block = hex(`00 03 782d6e 02 3432 ${literalNew('9').replace('782d6e', '782d6f')}`);
    assert.equal(decode(reading, block), 0);
    assert.equal(reading.value(0), 42);
    decode(plain, block);
    assert.deepEqual(reading.entries(), plain.entries());
  });
});

describe('Huffman decoding', () => {
  test('all 256 symbols (encoded by a second implementation)', () => {
    const encoded = hex(
      'ffc7fffd8fffffe2fffffe3fffffe4fffffe5fffffe6fffffe7fffffe8ffffeafffffff3fffffa7fffffabffffffdfffffebfffffecfffffedfffffeefffffefffffff0ffffff1ffffff2fffffffbfffffcffffffd3fffffd7fffffdbfffffdffffffe3fffffe7fffffebfffffed4fe3f9ffaffcabf1febfafefe7fdfd2cbb00089969b71d79fb9f7fff20ffbff3ff50ddbd7f061c58f265cd9f469d5af66dddbf871e5f9cff7ff7fffc3ff9ffe45fff4719242cb34e6e9d68a6a3d7dac426defe3cfaf7fffbfe7ffbffdffffffcfffe6ffff4bfff9ffffa3fffd3ffff53fffd5ffffb3fffeb7fffdaffffb7ffff73fffeeffffdeffffebffffbfffffd9ffffdbfffebffffe0ffffeeffffc3ffff8bffff1ffffe4fffee7fffb1ffff97fffd9ffffcdffff9fffffbffffdafffeeffff4ffffb7fffee7fffe8ffffd3fffdeffffd5fffeeffffbdffffe1fffdfffff7fffff5ffffecffff07fff87fffe0ffff17fffedffff87ffff77fffeffffeaffff8bfffe3ffff93ffff87fffcbffff37ffff1fffff83ffffe1fffebfffe3ffff3fffff2ffffa3ffffd9fffff17ffffc7fffff27ffffdefffffbffffff2fffff8fffffb7fff97fff8fffffe6fffffc1fffff87ffffe7fffffc5ffffe5fffe4ffff2fffffd1fffff4ffffffefffffe3fffffc9fffff97fffb3ffffcffffb7fffcdffff4ffff9ffffd1ffffcffffeaffffafffffddffffeffffff4fffff5fffffabffffa7ffffd7fffff9bffffecfffffb7fffff3fffffe8fffffd3fffffabfffff5fffffff7ffffecfffffdbfffffbbfffff7ffffff0fffffbbf',
    );
    const out = new Uint8Array(Math.ceil((encoded.length * 8) / 5));
    const length = decodeHuffman(encoded, 0, encoded.length, out);
    assert.equal(length, 256);
    assert.deepEqual([...out.subarray(0, 256)], [...Array(256).keys()]);
    assert.equal(decodeHuffman(encoded, 0, encoded.length, undefined), 256, 'counting alone gives the same length');
  });

  const cases: [string, string, string | null][] = [
    ['"a" with its 3 bits of padding', '1f', 'a'],
    ['padding that is not all ones', '18', null],
    ['padding of 8 bits or more', '1f ff', null],
    ['the EOS symbol', 'ffffffff', null],
    ['the empty string', '', ''],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      const bytes = hex(input);
      const out = new Uint8Array(16);
      const length = decodeHuffman(bytes, 0, bytes.length, out);
      assert.equal(length < 0 ? null : Buffer.from(out.subarray(0, length)).toString('latin1'), expected);
      assert.equal(decodeHuffman(bytes, 0, bytes.length, undefined), length, 'counting alone agrees');
    });
  }
});

describe('HPACK encoding of the request', () => {
  test('static fields are one byte, static names are indexed, other names are literal, nothing is indexed', () => {
    const block = encodeHeaderBlock([
      [':method', 'GET'],
      [':path', '/x'],
      ['x-a', 'b'],
    ]);
    assert.equal(block.toString('hex'), ['82', '04 02 2f78', '00 03 782d61 01 62'].join('').replace(/\s/g, ''));
  });

  test('a length of 127 or more continues in more bytes (RFC 7541 §5.1)', () => {
    const value = 'v'.repeat(200);
    const block = encodeHeaderBlock([['x', value]]);
    assert.equal(block.subarray(0, 5).toString('hex'), '000178' + '7f49');
    assert.equal(block.length, 5 + 200);
  });

  test('our decoder reads our encoding back without touching its table', () => {
    const decoder = new HpackDecoder();
    const block = encodeHeaderBlock([
      [':status', '503'],
      ['content-type', 'text/plain'],
    ]);
    assert.equal(decode(decoder, block), 503);
    assert.deepEqual(decoder.entries(), []);
  });
});
