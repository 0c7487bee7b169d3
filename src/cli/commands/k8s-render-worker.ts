import { Command, InvalidArgumentError } from 'commander';
import { CliError } from '../exit-codes.js';
import { checked, DNS_LABEL, QUANTITY } from '../k8s-checks.js';
import { parseCount, parsePort } from '../units.js';

interface RenderWorkerFlags {
  knative?: boolean;
  name: string;
  namespace?: string;
  image: string;
  port: number;
  concurrency: number;
  target?: number;
  minScale: number;
  maxScale: number;
  cpu: string;
  memory: string;
}

/** `salvo k8s render-worker --knative`: the manifest of an autoscaled `salvo serve grpc-worker`, to send a study's load to. */
export function renderWorkerCommand(): Command {
  return new Command('render-worker')
    .description('write a Knative Service (serving.knative.dev/v1) running salvo serve grpc-worker, scaled by calls in flight; needs no cluster')
    .option('--knative', 'a Knative Service (the only form so far)')
    .option('--name <name>', 'name of the Service', checked(DNS_LABEL, 'a DNS label (lower-case letters, digits, -)'), 'salvo-worker')
    .option('--namespace <namespace>', "namespace of the Service (default: kubectl's current)", checked(DNS_LABEL, 'a namespace name'))
    .option('--image <image>', 'container image with salvo', 'salvo:0.1.0')
    .option('--port <port>', "the container's h2c port", (text) => nonZeroPort(text), 8080)
    .option('--concurrency <n>', 'calls one instance takes at once (containerConcurrency); the worker spins one call at a time', (text) => parseCount(text), 1)
    .option('--target <n>', 'calls in flight per instance the autoscaler aims for (default: --concurrency)', (text) => parseCount(text))
    .option('--min-scale <n>', 'fewest instances; 0 lets the Service scale to zero', (text) => parseCount(text, 0), 0)
    .option('--max-scale <n>', 'most instances', (text) => parseCount(text), 10)
    .option('--cpu <quantity>', 'CPU of each instance, requested and limit', checked(QUANTITY, 'a Kubernetes quantity (1, 500m)'), '1')
    .option('--memory <quantity>', 'memory of each instance, requested and limit', checked(QUANTITY, 'a Kubernetes quantity (256Mi, 1Gi)'), '256Mi')
    .action(async (flags: RenderWorkerFlags) => {
      if (!flags.knative) throw new CliError('render-worker writes a Knative Service: give --knative');
      const target = flags.target ?? flags.concurrency;
      if (target > flags.concurrency)
        throw new CliError(`--target ${target} is above --concurrency ${flags.concurrency}: an instance never holds more calls than its concurrency`);
      if (flags.minScale > flags.maxScale) throw new CliError(`--min-scale ${flags.minScale} is above --max-scale ${flags.maxScale}`);
      // Loaded here: the YAML library would add tens of ms to the start of every other command.
      const { manifestsYaml } = await import('../../cluster/k8s-manifests.js');
      const { knativeWorkerService } = await import('../../cluster/knative-worker.js');
      const service = knativeWorkerService({
        name: flags.name,
        ...(flags.namespace ? { namespace: flags.namespace } : {}),
        image: flags.image,
        port: flags.port,
        concurrency: flags.concurrency,
        target,
        minScale: flags.minScale,
        maxScale: flags.maxScale,
        cpu: flags.cpu,
        memory: flags.memory,
      });
      process.stdout.write(manifestsYaml([service]));
    });
}

/** A container port: 0 ("any free port") means nothing to Kubernetes. */
function nonZeroPort(text: string): number {
  const port = parsePort(text);
  if (port === 0) throw new InvalidArgumentError(`"${text}" is not a container port (1-65535)`);
  return port;
}
