export type { AuthOptions } from './auth-instance';
export { PASSWORD_MIN_LENGTH } from './auth-instance';
export * from './sessions';
export * from './users';
