import type { Plan } from '../plan/schema.js';
import type { TransportContext } from '../protocols/create-transport.js';
import type { ResolvedTarget } from '../protocols/resolved-target.js';
import { CountingListener, SpreadTransport, type TargetCounts } from '../protocols/spread-transport.js';
import type { Connections, Transport } from '../protocols/transport.js';
import { freshSeed, seededRandom } from '../schedule/random.js';
import { probeGrpcMethod } from './grpc-probe.js';
import { http1Check, probeTarget, resolveTarget } from './resolve-target.js';

/** The targets' draws come from their own stream of the seed, not the Poisson pacer's. */
const TARGET_STREAM = 0x5bd1e995;

/** A plan's targets: the one of `url`, then those of `urls`, each as a plan of its own. */
function targetPlans(plan: Plan): { plan: Plan; weight: number }[] {
  const { urls, weight, ...single } = plan.target;
  return [{ url: plan.target.url, weight }, ...(urls ?? [])].map((other) => ({
    plan: { ...plan, target: { ...single, url: other.url } },
    weight: other.weight ?? 1,
  }));
}

/** Resolves a plan's target, and with `probe` checks it answers before the run starts. */
export async function readyTarget(plan: Plan, probe: boolean | undefined): Promise<ResolvedTarget> {
  const target = await resolveTarget(plan.target);
  const url = new URL(plan.target.url);
  if (probe) {
    await probeTarget(target.address, target.port, undefined, url.protocol === 'http:' ? http1Check(url) : undefined);
    if (target.grpc) await probeGrpcMethod(target.address, target.port, target.grpc.path);
  }
  return target;
}

export type Connect = (plan: Plan, target: ResolvedTarget, context: TransportContext) => Connections;

/** The load's connections: to the plan's one target, or spread over its several with their counts. */
export async function connectTargets(
  plan: Plan,
  probe: boolean | undefined,
  connect: Connect,
  context: TransportContext,
): Promise<{ connections: Connections; spread?: { seed: number; counts: TargetCounts[] } }> {
  if (plan.target.urls === undefined) return { connections: connect(plan, await readyTarget(plan, probe), context) };
  const targets = targetPlans(plan);
  const resolved = await Promise.all(targets.map((target) => readyTarget(target.plan, probe)));
  const listeners = targets.map((target) => new CountingListener(context.listener, target.plan.target.url, target.weight));
  // The schema refuses urls to virtual users, the one runtime whose connections are no Transport.
  const transports = targets.map((target, index) => connect(target.plan, resolved[index]!, { ...context, listener: listeners[index]! }) as Transport);
  const seed = plan.seed ?? freshSeed();
  const connections = new SpreadTransport(
    transports,
    targets.map((target) => target.weight),
    seededRandom((seed ^ TARGET_STREAM) >>> 0),
  );
  return { connections, spread: { seed, counts: listeners.map((listener) => listener.counts) } };
}
