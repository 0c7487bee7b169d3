import { CONTAINER_SECURITY, RUN_AS_USER } from './k8s-manifests.js';

/** What `salvo k8s render-worker --knative` needs to know; every field is already checked (see the CLI). */
export interface KnativeWorkerOptions {
  name: string;
  namespace?: string;
  image: string;
  /** The container's port, named h2c so that Knative speaks HTTP/2 in cleartext to it, as gRPC needs. */
  port: number;
  /** Calls one instance takes at once (Knative's containerConcurrency): 1 for the worker, whose spin holds its one thread. */
  concurrency: number;
  /** The autoscaler's target of calls in flight per instance. */
  target: number;
  minScale: number;
  maxScale: number;
  cpu: string;
  memory: string;
}

const AUTOSCALING = 'autoscaling.knative.dev';

/**
 * A Knative Service running `salvo serve grpc-worker`: the autoscaler adds instances as calls in
 * flight pass `target` per instance, between min-scale and max-scale (0 lets it scale to zero), and
 * no instance takes more than `concurrency` calls at once.
 */
export function knativeWorkerService(options: KnativeWorkerOptions): Record<string, unknown> {
  const labels = { 'app.kubernetes.io/name': 'salvo', 'app.kubernetes.io/instance': options.name, 'app.kubernetes.io/component': 'grpc-worker' };
  const resources = { cpu: options.cpu, memory: options.memory };
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: options.name, ...(options.namespace ? { namespace: options.namespace } : {}), labels },
    spec: {
      template: {
        metadata: {
          labels,
          annotations: {
            [`${AUTOSCALING}/metric`]: 'concurrency',
            [`${AUTOSCALING}/target`]: String(options.target),
            [`${AUTOSCALING}/min-scale`]: String(options.minScale),
            [`${AUTOSCALING}/max-scale`]: String(options.maxScale),
          },
        },
        spec: {
          containerConcurrency: options.concurrency,
          containers: [
            {
              name: 'grpc-worker',
              image: options.image,
              args: ['serve', 'grpc-worker', '--host', '0.0.0.0', '--port', String(options.port)],
              ports: [{ name: 'h2c', containerPort: options.port }],
              resources: { requests: resources, limits: resources },
              // Knative takes a container's security context (a pod's only behind a feature flag): non-root is said here.
              securityContext: { ...CONTAINER_SECURITY, runAsUser: RUN_AS_USER, seccompProfile: { type: 'RuntimeDefault' } },
            },
          ],
        },
      },
    },
  };
}
