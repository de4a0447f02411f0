export * from './samples';
export * from './fake-vz-tools';
