export { checkCloudStackLimits, estimatedTemplateBytes, limitsAllow } from './check-limits';
export { readCloudStackLimits } from './read-limits';
export * from './limits';
export { formatGb } from './sizes';
