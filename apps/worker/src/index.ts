// What tools beside the worker process use of it (bench/, scripts/, tests):
// the box's real dependencies and its template server. The process itself
// starts in main.ts.
export { createStageDeps, type BoxDepsOptions } from './box/stage-deps';
export { startTemplateServer, type TemplateServer } from './template-server';
export { buildBootIso, defaultApplianceDir } from './boot-iso/build';
export { bootIsoSource, publishBootIso } from './boot-iso/publish';
export { startInventoryWorker } from './inventory-worker';
