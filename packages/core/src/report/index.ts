export * from './percentiles';
export * from './daily-progress';
export * from './estimate';
export * from './migration-report';
export * from './report-csv';
