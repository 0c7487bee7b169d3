#!/usr/bin/env node
// The peer for salvo's gRPC row in the bench: a plain @grpc/grpc-js client loop that keeps IN_FLIGHT
// unary calls going on each of CHANNELS channels (one HTTP/2 connection each) for SECONDS, the way an
// application would load a service with grpc-js. Prints one JSON line: completed, errors, seconds.
//
// Usage: node bench/grpc-js-client.mjs HOST:PORT SECONDS [CHANNELS] [IN_FLIGHT]
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROTO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../proto/worker.proto');
const [address, seconds, channels = '1', inFlight = '100'] = process.argv.slice(2);
if (!address || !(Number(seconds) > 0)) {
  console.error('usage: grpc-js-client.mjs HOST:PORT SECONDS [CHANNELS] [IN_FLIGHT]');
  process.exit(2);
}

const { Worker } = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO)).salvo.worker;
// A local subchannel pool per client, so that each channel has a connection of its own.
const clients = Array.from({ length: Number(channels) }, () => new Worker(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
const request = { ms: 0 };
let completed = 0;
let errors = 0;
let running = true;
const start = performance.now();
const endAt = start + Number(seconds) * 1000;

await new Promise((resolve) => {
  let open = 0;
  const call = (client) => {
    open++;
    client.Spin(request, (error) => {
      open--;
      if (error) errors++;
      else completed++;
      if (running && performance.now() < endAt) call(client);
      else {
        running = false;
        if (open === 0) resolve();
      }
    });
  };
  for (const client of clients) for (let i = 0; i < Number(inFlight); i++) call(client);
});
const elapsed = (performance.now() - start) / 1000;
for (const client of clients) client.close();
console.log(JSON.stringify({ completed, errors, seconds: elapsed }));
