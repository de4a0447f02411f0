export * from './capacity';
export * from './states';
export * from './outcome';
export * from './run-snapshot';
export * from './overview';
export * from './failures';
export * from './estimate';
