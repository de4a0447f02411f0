export * from './search';
export * from './notes';
export * from './customer-view';
export * from './run-facts';
