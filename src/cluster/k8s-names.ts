/** Names the pods and the CLI agree on, apart from the manifests so that reading them does not load the YAML library. */
export const CONFIG_DIR = '/etc/salvo';
export const RESULTS_DIR = '/results';
/** A plan file given to `salvo k8s render|run`: the ConfigMap carries it under this key, the pods read it from CONFIG_DIR. */
export const POD_PLAN_FILE = 'plan-file.json';
export const COORDINATOR_PORT = 7070;

/** The coordinator's Service and Job: `<name>-coordinator`. */
export const coordinatorName = (name: string): string => `${name}-coordinator`;
