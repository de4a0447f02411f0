export { createCloudStackClient, type CloudStackClient, type CloudStackClientOptions } from './client';
export type { JobWaitOptions } from './async-jobs';
export {
  CloudStackError,
  CloudStackJobError,
  CloudStackJobTimeoutError,
  CloudStackResponseError,
  CloudStackTransportError,
} from './errors';
export { computeSignature, formatExpires, javaUrlEncode, signedQuery, stringToSign } from './signing';
export { flattenParams, type CommandParams } from './params';
export { isIdempotentRead, type FetchLike } from './transport';
export type {
  ListZonesInput,
  ListNetworksInput,
  ListServiceOfferingsInput,
  ListOsTypesInput,
  ListConfigurationsInput,
  ListImageStoresInput,
  ListCapacityInput,
} from './commands/infrastructure';
export type {
  RegisterTemplateInput,
  ListTemplatesInput,
  DeleteTemplateInput,
  RegisterIsoInput,
  ListIsosInput,
} from './commands/templates';
export type {
  DeployVirtualMachineInput,
  IpToNetwork,
  UpdateVirtualMachineInput,
  ListVirtualMachinesInput,
} from './commands/virtual-machines';
export * from './schemas/infrastructure';
export * from './schemas/template';
export * from './schemas/virtual-machine';
export { type AsyncJob, JOB_FAILED, JOB_PENDING, JOB_SUCCEEDED } from './schemas/async-job';
export * from './preflight';
