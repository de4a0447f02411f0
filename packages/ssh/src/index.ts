export * from './host-key';
export * from './probe-host-key';
export * from './ssh-executor';
export * from './known-hosts';
export { remoteCommandLine } from './command-line';
export * from './openssh-login';
export { processAlive } from './process-alive';
