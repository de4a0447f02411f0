export { closeDb, createDb, Db } from './client';
export { migrate, readMigrations, MigrationError } from './migrations/runner';
export { MIGRATIONS_DIR } from './migrations/paths';
export { ensureDatabase, redactUrl } from './migrations/ensure-database';
export { SecretBox, loadSecretBox, parseSecretKey } from './secret-box';
export { isDatabaseUnavailable, pingDatabase } from './health';
export * from './generated/enums';
export type {
  User,
  Session,
  AuditLog,
  Setting,
  SourceHost,
  InventoryImport,
  Customer,
  Container,
  ContainerNic,
  ContainerIp,
  Note,
  NetworkMapping,
  OfferingMapping,
  OsTypeMapping,
  ConverterBox,
  Batch,
  MigrationRun,
  StageRun,
  RunEvent,
  TemplateUpload,
  PreflightDryRun,
  PreflightDryRunResult,
} from './generated/client';
export * from './runs';
export * from './boxes';
export * from './inventory';
export * from './settings';
export * from './containers';
export * from './customers';
export * from './hosts';
export * from './auth';
export * from './audit';
export * from './overview';
export * from './support';
export * from './report';
export * from './failures';
export * from './planner';
