import type { ControllerKind } from '../plan/hold.js';
import type { ArrivalName } from '../plan/arrival.js';
import type { JitMode } from '../plan/run-options.js';
import type { ListenAddress } from '../plan/listen-address.js';
import type { Shard } from '../plan/shard.js';

/** `salvo run`'s flags as commander parses them. */
export interface RunFlags {
  rate?: number;
  hold?: number;
  controller?: ControllerKind;
  minConcurrency?: number;
  maxConcurrency?: number;
  tick?: number;
  duration: number;
  warmup?: number;
  arrival: ArrivalName;
  bucket?: number;
  seed?: number;
  connections: number;
  pipelining?: number;
  timeout: number;
  grace: number;
  maxQueue: number;
  method: string;
  header: [string, string][];
  /** --url: more targets after the run's URL. */
  url: string[];
  weights?: number[];
  body?: string;
  bodyFile?: string;
  probe: boolean;
  quiet?: boolean;
  threshold: string[];
  abortOnFail?: boolean;
  progress: number;
  ndjson?: string;
  ndjsonSample?: number;
  insecure?: boolean;
  ca?: string;
  http2?: boolean;
  streams?: number;
  payload?: string;
  payloadFile?: string;
  expectDelimiter?: string;
  expectBytes?: number;
  proto?: string;
  call?: string;
  data?: string;
  metadata: [string, string][];
  deadline?: number;
  shard?: Shard;
  /** --start-at, epoch ms. */
  startAt?: number;
  vus?: number;
  target?: string;
  scenario?: string;
  workers?: number | 'auto';
  jit: JitMode;
  coordinator?: { host: string; port: number };
  /** --metrics: true for the default address. */
  metrics?: true | { host: string; port: number };
  metricsLinger?: number;
  /** --metrics-push: the Pushgateway's address. */
  metricsPush?: string;
  /** --dashboard [host:port]: true without a value (the default address). */
  dashboard?: true | ListenAddress;
  dashboardToken?: string;
}
