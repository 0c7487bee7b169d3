export { shardJobManifests, manifestsYaml, shardScript, type ShardJobOptions } from './k8s-manifests.js';
export { startCoordinator, CoordinatorError, type CoordinatorOptions, type RunningCoordinator } from './coordinator.js';
export { joinCoordinator, sendResult, parseHostPort, CoordinatorClientError } from './coordinator-client.js';
