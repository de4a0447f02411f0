export * from './list';
export * from './detail';
