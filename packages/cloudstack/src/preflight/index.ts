export { checkCloudStackLimits, estimatedTemplateBytes, limitsAllow } from './check-limits';
export { readCloudStackLimits } from './read-limits';
export * from './limits';
export { formatGb } from './sizes';
export {
  checkNetworkMapping,
  checkNetworkMappings,
  type MappingProblem,
  type NetworkMappingInput,
} from './check-network';
