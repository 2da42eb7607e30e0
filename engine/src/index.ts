// @redoubt/engine: the embedded in-memory customer graph (see ../README.md).
export { GraphEngine } from './graph-engine.ts';
export type { GraphEngineOptions } from './graph-engine.ts';
export { writeFileAtomic } from './atomic-file.ts';
export { writeNetworkJson } from './network-json.ts';
export { normaliseKind, normaliseValue } from './ids.ts';
export { SNAPSHOT_MAGIC, SNAPSHOT_VERSION } from './snapshot.ts';
export type * from './types.ts';
