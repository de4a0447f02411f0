// The lab's CloudStack: a simulated management server with real HTTP, real
// signatures and a secondary storage that really downloads.
export { DEFAULT_DOWNLOAD_RATE, startCloudStack, type LabCloudStack, type StartCloudStackOptions } from './server';
export { faultRequestSchema, type FaultRequest, type FaultState } from './faults';
export { urlEncoderEncode, verifyRequest } from './signature';
