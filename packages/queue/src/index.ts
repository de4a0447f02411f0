export * from './contract';
export { createProducer, type Producer } from './producer';
export { createConsumer, UnrecoverableError, type Consumer, type Handlers } from './consumer';
export { createRedis } from './connection';
