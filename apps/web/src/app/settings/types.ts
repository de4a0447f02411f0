// What the Settings page's parts exchange (the API's answers).
export type { PipelineSettings } from '@vzferry/core';
export interface TestAnswer {
  ok: boolean;
  elapsedMs: number;
  error?: string;
  zones?: { id: string; name: string }[];
  zoneId?: string | null;
  networks?: { id: string; name: string; cidr: string | null }[];
  offerings?: { id: string; name: string; cpunumber: number | null; memory: number | null }[];
  osTypes?: { id: string; description: string }[];
}

export interface Mappings {
  networks: { name: string; cidr: string; sourceVlan: number | null; gateway: string | null; cloudstackNetworkId: string; cloudstackNetworkName: string | null }[];
  offerings: { maxRamMb: number; maxCpus: number; serviceOfferingId: string; serviceOfferingName: string | null }[];
  osTypes: { distribution: string; version: string; osTypeId: string; osTypeName: string | null; legacyOsTypeId: string | null; legacyOsTypeName: string | null }[];
}
