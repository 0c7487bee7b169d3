import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pod } from 'kubernetes-models/v1/Pod';
import { parseAllDocuments } from 'yaml';
import { assertUsageError, salvo } from '../support/cli.js';

/** The rendered Service, parsed. */
function rendered(...args: string[]): any {
  const { status, stdout, stderr } = salvo('k8s', 'render-worker', '--knative', ...args);
  assert.equal(status, 0, stderr);
  const documents = parseAllDocuments(stdout);
  assert.equal(documents.length, 1);
  return documents[0]!.toJS();
}

describe('salvo k8s render-worker --knative', () => {
  test('a Knative Service of salvo serve grpc-worker: h2c port, concurrency, autoscaling annotations, non-root', () => {
    const service = rendered(
      '--name',
      'spin',
      '--namespace',
      'study',
      '--image',
      'registry.example/salvo:1',
      '--concurrency',
      '2',
      '--target',
      '1',
      '--min-scale',
      '1',
      '--max-scale',
      '8',
      '--port',
      '9000',
    );
    assert.equal(service.apiVersion, 'serving.knative.dev/v1');
    assert.equal(service.kind, 'Service');
    assert.deepEqual([service.metadata.name, service.metadata.namespace], ['spin', 'study']);
    const { metadata, spec } = service.spec.template;
    assert.deepEqual(metadata.annotations, {
      'autoscaling.knative.dev/metric': 'concurrency',
      'autoscaling.knative.dev/target': '1',
      'autoscaling.knative.dev/min-scale': '1',
      'autoscaling.knative.dev/max-scale': '8',
    });
    assert.equal(spec.containerConcurrency, 2);
    const [container] = spec.containers;
    assert.deepEqual(container.args, ['serve', 'grpc-worker', '--host', '0.0.0.0', '--port', '9000']);
    assert.deepEqual(container.ports, [{ name: 'h2c', containerPort: 9000 }]);
    assert.equal(container.securityContext.runAsNonRoot, true);
    assert.equal(container.securityContext.runAsUser, 1000);
    // A revision's spec is a pod spec plus Knative's own fields: what it shares with a pod must be a valid one.
    const { containerConcurrency: _concurrency, ...podSpec } = spec;
    new Pod({ metadata: { name: 'spin', labels: metadata.labels }, spec: podSpec }).validate();
  });

  test('defaults: one call per instance, targeted at one, scaling from zero', () => {
    const { metadata, spec } = rendered().spec.template;
    assert.equal(spec.containerConcurrency, 1);
    assert.equal(metadata.annotations['autoscaling.knative.dev/target'], '1');
    assert.equal(metadata.annotations['autoscaling.knative.dev/min-scale'], '0');
    assert.equal(spec.containers[0].ports[0].containerPort, 8080);
  });

  test('bad input: one line, exit 2', () => {
    const render = (...args: string[]) => ['k8s', 'render-worker', '--knative', ...args];
    assertUsageError(['k8s', 'render-worker'], /render-worker writes a Knative Service: give --knative/);
    assertUsageError(render('--concurrency', '0'), /--concurrency.*"0" must be at least 1/);
    assertUsageError(render('--target', '3'), /--target 3 is above --concurrency 1/);
    assertUsageError(render('--min-scale', '5', '--max-scale', '2'), /--min-scale 5 is above --max-scale 2/);
    assertUsageError(render('--max-scale', '0'), /--max-scale.*"0" must be at least 1/);
    assertUsageError(render('--name', 'Spin_Worker'), /--name.*"Spin_Worker" is not a DNS label/);
    assertUsageError(render('--port', '0'), /--port.*"0" is not a container port/);
    assertUsageError(render('--memory', 'lots'), /--memory.*"lots" is not a Kubernetes quantity/);
  });
});
