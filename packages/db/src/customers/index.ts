export * from './apply-customers';
export * from './list';
