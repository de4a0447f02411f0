export * from './batch-plan';
export * from './dry-runs';
export * from './resolve-refs';
