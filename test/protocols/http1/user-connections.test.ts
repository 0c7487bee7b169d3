import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import type { ErrorCause } from '../../../src/metrics/causes.js';
import { tcpSocketFactory } from '../../../src/protocols/http1/pool.js';
import { encodeRequest } from '../../../src/protocols/http1/request.js';
import { UserConnections } from '../../../src/protocols/http1/user-connections.js';
import type { ExchangeListener } from '../../../src/protocols/transport.js';
import { systemClock } from '../../../src/time/clock.js';
import { closedPort, withRawServer } from '../../support/servers.js';

/** Counts what the runner would record. */
function counter() {
  const seen = { sent: 0, statuses: [] as number[], causes: [] as ErrorCause[], freed: 0 };
  const listener: ExchangeListener = {
    onSent: () => void seen.sent++,
    onResponse: (_intended, _sent, _done, status) => void seen.statuses.push(status),
    onFailure: (_intended, _sent, _done, cause) => void seen.causes.push(cause),
    onSlotFree: () => void seen.freed++,
  };
  return { seen, listener };
}

const GET = (path = '/') => encodeRequest('GET', new URL(path, 'http://127.0.0.1/'), [], undefined);

/** Answers each request on a connection with the next of `replies` (raw bytes), counting connections. */
function scripted(replies: string[], connections: { count: number }) {
  return (socket: Socket) => {
    connections.count++;
    socket.on('data', () => {
      const reply = replies.shift();
      if (reply === undefined) return;
      if (reply === 'CLOSE') socket.destroy();
      else socket.write(reply);
    });
  };
}

function connectionsTo(url: string, listener: ExchangeListener): UserConnections {
  const { hostname, port } = new URL(url);
  return new UserConnections(tcpSocketFactory(hostname, Number(port)), systemClock, listener);
}

describe("a virtual user's connection", () => {
  test('keeps the status, headers and body of each response, over one keep-alive connection', async () => {
    const connections = { count: 0 };
    const replies = [
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Twice: a\r\nX-Twice: b\r\nContent-Length: 5\r\n\r\nhello',
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n',
      'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n',
    ];
    await withRawServer(scripted(replies, connections), async (url) => {
      const { seen, listener } = counter();
      const hub = connectionsTo(url, listener);
      const user = hub.connection();
      const first = await user.request(GET(), false);
      assert.equal(first.status, 200);
      assert.equal(first.body.toString(), 'hello');
      assert.deepEqual({ type: first.headers['content-type'], twice: first.headers['x-twice'] }, { type: 'text/plain', twice: 'a, b' });
      assert.ok(first.durationMs >= 0 && first.error === undefined);
      const second = await user.request(GET(), false);
      assert.deepEqual([second.status, second.body.toString()], [201, 'abcdefg']);
      const third = await user.request(GET(), false);
      assert.deepEqual([third.status, third.body.length], [404, 0]);
      assert.equal(connections.count, 1, 'one connection for the three requests');
      assert.deepEqual(seen, { sent: 3, statuses: [200, 201, 404], causes: [], freed: 3 });
      assert.equal(hub.inFlight(), 0);
      hub.close();
    });
  });

  test('a response delimited by the close is complete, and the next request reconnects', async () => {
    const connections = { count: 0 };
    await withRawServer(
      (socket) => {
        connections.count++;
        socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\n\r\nuntil the end'));
      },
      async (url) => {
        const { seen, listener } = counter();
        const hub = connectionsTo(url, listener);
        const user = hub.connection();
        assert.equal((await user.request(GET(), false)).body.toString(), 'until the end');
        assert.equal((await user.request(GET(), false)).body.toString(), 'until the end');
        assert.equal(connections.count, 2);
        assert.deepEqual(seen.causes, []);
        hub.close();
      },
    );
  });

  test('a request older than the timeout fails as timeout when the runner expires it', async () => {
    await withRawServer(
      () => {},
      async (url) => {
        const { seen, listener } = counter();
        const hub = connectionsTo(url, listener);
        const pending = hub.connection().request(GET(), false);
        hub.expire(0); // sent after time zero: not old enough
        assert.equal(hub.inFlight(), 1);
        hub.expire(Infinity);
        const reply = await pending;
        assert.deepEqual([reply.status, reply.error], [0, 'timeout']);
        assert.deepEqual(seen.causes, ['timeout']);
        assert.equal(hub.inFlight(), 0);
        hub.close();
      },
    );
  });

  test('a connection closed mid-response fails the request as closed', async () => {
    await withRawServer(
      (socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')),
      async (url) => {
        const { seen, listener } = counter();
        const hub = connectionsTo(url, listener);
        const reply = await hub.connection().request(GET(), false);
        assert.deepEqual([reply.status, reply.error], [0, 'closed']);
        assert.deepEqual(seen.causes, ['closed']);
        hub.close();
      },
    );
  });

  test('a refused connection is a failure with its cause', async () => {
    const { seen, listener } = counter();
    const hub = connectionsTo(`http://127.0.0.1:${await closedPort()}/`, listener);
    const reply = await hub.connection().request(GET(), false);
    assert.deepEqual([reply.status, reply.error], [0, 'refused']);
    assert.deepEqual(seen.causes, ['refused']);
    hub.close();
  });

  test('HEAD responses have no body whatever they announce', async () => {
    const connections = { count: 0 };
    await withRawServer(
      scripted(['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'], connections),
      async (url) => {
        const hub = connectionsTo(url, counter().listener);
        const user = hub.connection();
        assert.equal((await user.request(encodeRequest('HEAD', new URL(url), [], undefined), true)).body.length, 0);
        assert.equal((await user.request(GET(), false)).body.toString(), 'ok');
        assert.equal(connections.count, 1);
        hub.close();
      },
    );
  });

  test('closing the run resolves a request still in flight without reporting it, and a closed connection refuses new requests', async () => {
    await withRawServer(
      () => {},
      async (url) => {
        const { seen, listener } = counter();
        const hub = connectionsTo(url, listener);
        const user = hub.connection();
        const pending = user.request(GET(), false);
        hub.close();
        assert.equal((await pending).error, 'closed');
        assert.deepEqual(seen.causes, []);
        assert.throws(() => user.request(GET(), false), /stopped/);
      },
    );
  });
});
