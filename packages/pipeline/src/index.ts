export * from './outcome';
export * from './stage-contract';
export * from './rsync';
export * from './nic-plan';
export * from './os-template';
export * from './estimate';
export * from './sleep';
