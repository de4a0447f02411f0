export * from './dry-runs';
