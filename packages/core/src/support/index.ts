export * from './zoned-time';
export * from './container-state';
export * from './run-timeline';
export * from './customer-emails';
export * from './source-state';
