import type { PlanInput } from '../../../src/plan/index.js';
import { selfSignedCertificate } from '../../../src/targets/tls.js';
import { grpcFixture } from './grpc-fixture.js';
import { h2cFixture } from './h2c-fixture.js';
import { startBehaviourServer, type Behaviour, type BehaviourServer, type Framing } from './servers.js';

/** One protocol as the conformance suite sees it. */
export interface ProtocolFixture {
  name: string;
  startTarget(behaviour: Behaviour, delayMs?: number): Promise<BehaviourServer>;
  /** A plan against `url` with this protocol's own target fields. */
  planFor(url: string, rest: Omit<PlanInput, 'target'>): PlanInput;
  /** `statusCodes` of a result with `count` good replies. */
  statusCodes(count: number): Record<string, number>;
}

const HTTP_REPLY = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const HTTP_PARTIAL = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it';

function fixture(name: string, framing: () => Promise<Framing>, target: (url: string) => PlanInput['target'], withStatus: boolean): ProtocolFixture {
  let made: Promise<Framing> | undefined;
  return {
    name,
    startTarget: async (behaviour, delayMs) => startBehaviourServer(await (made ??= framing()), behaviour, delayMs),
    planFor: (url, rest) => ({ target: target(url), ...rest }),
    statusCodes: (count): Record<string, number> => (withStatus && count > 0 ? { '200': count } : {}),
  };
}

export const FIXTURES: ProtocolFixture[] = [
  fixture(
    'http1',
    async () => ({ scheme: 'http', requestEnd: '\r\n\r\n', reply: HTTP_REPLY, partialReply: HTTP_PARTIAL }),
    (url) => ({ url }),
    true,
  ),
  fixture(
    'https (--insecure)',
    async () => ({ scheme: 'https', requestEnd: '\r\n\r\n', reply: HTTP_REPLY, partialReply: HTTP_PARTIAL, certificate: await selfSignedCertificate() }),
    (url) => ({ url, insecure: true }),
    true,
  ),
  fixture(
    'tcp (delimiter)',
    async () => ({ scheme: 'tcp', requestEnd: '\n', reply: 'PONG\n', partialReply: 'PO' }),
    (url) => ({ url, payload: 'PING\\n', expectDelimiter: '\\n' }),
    false,
  ),
  fixture(
    'tcp (fixed size)',
    async () => ({ scheme: 'tcp', requestEnd: '\n', reply: 'PONG!', partialReply: 'PO' }),
    (url) => ({ url, payload: 'PING\\n', expectBytes: 5 }),
    false,
  ),
  h2cFixture,
  grpcFixture,
];
