import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { startTcpEchoTarget } from '../../src/targets/tcp-echo.js';

test('the tcp-echo target echoes every byte, on every connection, and closes them all', async () => {
  const target = await startTcpEchoTarget();
  try {
    assert.equal(target.url, `tcp://127.0.0.1:${target.port}`);
    const payload = Buffer.from([0, 1, 2, 0xff, 0x0a, ...Buffer.from('PING\r\n')]);
    const sockets = [connect(target.port, '127.0.0.1'), connect(target.port, '127.0.0.1')];
    const echoed = await Promise.all(
      sockets.map(async (socket, index) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        await once(socket, 'connect');
        socket.write(payload);
        socket.write(Buffer.from(`#${index}`));
        while (Buffer.concat(chunks).length < payload.length + 2) await once(socket, 'data');
        return Buffer.concat(chunks);
      }),
    );
    assert.deepEqual(echoed[0], Buffer.concat([payload, Buffer.from('#0')]));
    assert.deepEqual(echoed[1], Buffer.concat([payload, Buffer.from('#1')]));
    const closed = sockets.map((socket) => once(socket, 'close'));
    await target.close();
    await Promise.all(closed);
  } finally {
    await target.close();
  }
});
