export { parseShard, shardLabel, splitEvenly, composeShares, connectionsOf, targetRateOf, ShardSyntaxError, type Shard } from './shard.js';
export { parseStartAt, waitUntil, startAtRecord, StartAtError, type StartAt } from './start-at.js';
export { shardJobManifests, manifestsYaml, shardScript, type ShardJobOptions } from './k8s-manifests.js';
export { startCoordinator, CoordinatorError, type CoordinatorOptions, type RunningCoordinator } from './coordinator.js';
export { joinCoordinator, sendResult, parseHostPort, CoordinatorClientError } from './coordinator-client.js';
