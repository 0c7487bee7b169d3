import type { Clock } from '../time/clock.js';
import type { ExchangeListener, Transport } from './transport.js';

/** What the pool's bookkeeping needs of one connection. */
export interface PooledConnection {
  /** Requests in flight on it. */
  inFlight: number;
  /** In the pool's list of connections that can take one more request. */
  listed: boolean;
  /** Takes no new requests and closes once the ones in flight end; no longer counts against the limit. */
  retiring: boolean;
}

/**
 * The one base of every connection-owning transport (HTTP/1.1, TCP, HTTP/2 and gRPC on it), as undici's
 * pool-base is of its pools: the slots, i.e. which connection takes the next request (the available
 * ones), how many may be open (the active ones), and retiring connections when the limit drops. A
 * protocol says only how a connection is opened, sends, can take more, and is destroyed; it reports
 * each end of a request to the listener, then calls `release`.
 */
export abstract class ConnectionPool<C extends PooledConnection> implements Transport {
  protected readonly connections: C[] = [];
  /** Connections that can take one more request, most recently used last. */
  private readonly available: C[] = [];
  private maxConnections: number;
  /** Connections counting against the limit: open and not retiring. */
  private active = 0;
  protected inFlightCount = 0;
  protected closed = false;

  constructor(
    maxConnections: number,
    protected readonly clock: Clock,
    protected readonly listener: ExchangeListener,
  ) {
    this.maxConnections = maxConnections;
  }

  /** A new connection (its socket may open now or at its first send). */
  protected abstract open(): C;
  /** Sends one request on `connection`, which `canTake` said can take it. */
  protected abstract send(connection: C, intendedUs: number, sentUs: number): void;
  protected abstract canTake(connection: C): boolean;
  /** Closes the connection's socket without reporting what is in flight. */
  protected abstract destroy(connection: C): void;
  abstract expire(olderThanUs: number): void;

  trySend(intendedUs: number): boolean {
    if (this.closed) return false;
    let connection = this.available.pop();
    if (connection) {
      connection.listed = false;
    } else {
      if (this.active >= this.maxConnections) return false;
      connection = this.add();
    }
    const sentUs = this.clock.nowUs();
    this.send(connection, intendedUs, sentUs);
    this.inFlightCount++;
    this.listener.onSent(intendedUs, sentUs);
    this.list(connection);
    return true;
  }

  inFlight(): number {
    return this.inFlightCount;
  }

  /** How many more connections the limit allows now. */
  protected room(): number {
    return this.maxConnections - this.active;
  }

  /** A new connection counting against the limit. */
  protected add(): C {
    const connection = this.open();
    this.connections.push(connection);
    this.active++;
    return connection;
  }

  setMaxConnections(count: number): void {
    this.maxConnections = count;
    for (let i = this.connections.length - 1; i >= 0 && this.active > count; i--) {
      const connection = this.connections[i]!;
      if (connection.retiring) continue;
      this.retireLater(connection);
      if (connection.inFlight === 0) this.remove(connection);
    }
    this.listener.onSlotFree();
  }

  close(): void {
    this.closed = true;
    for (const connection of this.connections) this.destroy(connection);
    this.connections.length = 0;
    this.available.length = 0;
  }

  /** A request on `connection` ended: its slot is free (or, on a retiring connection, one fewer to wait for). */
  protected release(connection: C): void {
    if (this.closed) return;
    if (connection.retiring) {
      if (connection.inFlight === 0) {
        this.remove(connection);
        this.listener.onSlotFree(); // nothing frees a slot here, but a draining run may now be done
      }
      return;
    }
    this.list(connection);
    this.listener.onSlotFree();
  }

  /** The connection takes no more requests: it stops counting against the limit, and closes when its requests are done. */
  protected retireLater(connection: C): void {
    if (connection.retiring) return;
    connection.retiring = true;
    this.active--;
    this.unlist(connection);
  }

  /** Closes the connection and forgets it. */
  protected remove(connection: C): void {
    this.retireLater(connection);
    const index = this.connections.indexOf(connection);
    if (index >= 0) this.connections.splice(index, 1);
    this.destroy(connection);
  }

  protected list(connection: C): void {
    if (!connection.listed && !connection.retiring && this.canTake(connection)) {
      connection.listed = true;
      this.available.push(connection);
    }
  }

  protected unlist(connection: C): void {
    if (!connection.listed) return;
    connection.listed = false;
    this.available.splice(this.available.indexOf(connection), 1);
  }
}
