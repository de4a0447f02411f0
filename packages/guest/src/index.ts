export * from './detect';
export * from './guest-files';
export * from './network-model';
export * from './plan/index';
export * from './os-template';
export * from './guest-root';
