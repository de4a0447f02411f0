// listZones, listNetworks, listServiceOfferings, listOsTypes,
// listConfigurations, updateConfiguration, listImageStores, listCapacity,
// listCapabilities.
import { invalidParameterValue } from '../api-error';
import type { CommandDef } from '../registry';
import { like, paged } from '../registry';
import { imageStoreResponse, listAnswer, networkResponse, zoneResponse } from '../responses';
import type { Simulator } from '../simulator';
import type { LabConfiguration } from '../state';

const zoneExists = (sim: Simulator) => (id: string) => id === sim.state.zone.id;

function configurationResponse(c: LabConfiguration): Record<string, unknown> {
  return {
    category: c.category,
    name: c.name,
    value: c.value ?? undefined,
    description: c.description,
    isdynamic: c.isdynamic,
    defaultvalue: c.defaultvalue ?? undefined,
    type: c.type,
    scope: 'Global',
  };
}

/** ConfigurationManagerImpl.validateConfigurationValue for numbers. */
function validateValue(c: LabConfiguration, value: string): void {
  if ((c.type === 'Integer' || c.type === 'Long') && !/^-?\d+$/.test(value.trim())) {
    throw invalidParameterValue(
      `There was an error trying to parse the integer value for configuration parameter: ${c.name}`,
    );
  }
  if (c.type === 'Float' && Number.isNaN(Number(value)))
    throw invalidParameterValue(
      `There was an error trying to parse the float value for configuration parameter: ${c.name}`,
    );
}

/** updateConfiguration, also used by the lab's admin endpoint. */
export function updateSetting(sim: Simulator, name: string, value: string | undefined): LabConfiguration {
  const config = sim.config(name);
  if (!config) throw invalidParameterValue(`Config parameter with name ${name} doesn't exist`);
  if (value === undefined) return config;
  const normalized = value.trim() === '' || value === 'null' ? null : value;
  if (normalized !== null) validateValue(config, normalized);
  config.value = normalized;
  sim.changed();
  return config;
}

export const infrastructureCommands: CommandDef[] = [
  {
    // ListCapabilitiesCmd -> CapabilitiesResponse ("capability"); the version is the one the lab plays
    name: 'listCapabilities',
    params: () => [],
    run: ({ sim }) => ({
      capability: {
        securitygroupsenabled: false,
        dynamicrolesenabled: true,
        cloudstackversion: sim.options.cloudstackVersion,
        userpublictemplateenabled: true,
        supportELB: 'false',
        projectinviterequired: false,
        allowusercreateprojects: true,
        customdiskofferingminsize: 1,
        customdiskofferingmaxsize: 1024,
        regionsecondaryenabled: false,
        kvmsnapshotenabled: false,
        allowuserviewdestroyedvm: false,
        allowuserexpungerecovervm: false,
      },
    }),
  },
  {
    // the command of the published signing example (cloudstack-documentation, developersguide)
    name: 'listUsers',
    params: () => [{ name: 'username', type: 'string' }],
    run: ({ sim, p }) => {
      const users = sim.state.users.filter((u) => (p.str('username') ?? u.username) === u.username);
      return listAnswer(
        'user',
        users.map((u) => ({
          id: u.id,
          username: u.username,
          account: u.accountName,
          accountid: u.accountId,
          accounttype: 1,
          roletype: 'Admin',
          domainid: u.domainId,
          domain: sim.state.domain.name,
          state: u.enabled ? 'enabled' : 'disabled',
          apikey: u.apiKey,
        })),
      );
    },
  },
  {
    name: 'listZones',
    params: (sim) => [
      { name: 'id', type: 'uuid', exists: zoneExists(sim) },
      { name: 'name', type: 'string' },
      { name: 'available', type: 'boolean' },
    ],
    run: ({ sim, p }) => {
      const zones = [sim.state.zone].filter(
        (z) => (p.str('id') ?? z.id) === z.id && (p.str('name') ?? z.name) === z.name,
      );
      return listAnswer(
        'zone',
        zones.map(() => zoneResponse(sim)),
      );
    },
  },
  {
    name: 'listNetworks',
    params: (sim) => [
      { name: 'id', type: 'uuid', exists: (id) => sim.state.networks.some((n) => n.id === id) },
      { name: 'zoneid', type: 'uuid', exists: zoneExists(sim) },
      { name: 'type', type: 'string' },
      { name: 'keyword', type: 'string' },
      { name: 'listall', type: 'boolean' },
    ],
    run: ({ sim, p }) => {
      const type = p.str('type');
      const all = sim.state.networks.filter(
        (n) =>
          (p.str('id') ?? n.id) === n.id &&
          (type === undefined || type.toLowerCase() === 'shared') &&
          like(n.name, p.str('keyword')),
      );
      return listAnswer(
        'network',
        paged(all, p).map((n) => networkResponse(sim, n)),
        all.length,
      );
    },
  },
  {
    name: 'listServiceOfferings',
    params: (sim) => [
      { name: 'id', type: 'uuid', exists: (id) => sim.state.serviceOfferings.some((o) => o.id === id) },
      { name: 'name', type: 'string' },
      { name: 'zoneid', type: 'uuid', exists: zoneExists(sim) },
      { name: 'issystem', type: 'boolean' },
    ],
    run: ({ sim, p }) => {
      const all = p.bool('issystem')
        ? []
        : sim.state.serviceOfferings.filter(
            (o) => (p.str('id') ?? o.id) === o.id && (p.str('name') ?? o.name) === o.name,
          );
      const items = paged(all, p).map((o) => ({
        ...o,
        storagetype: 'shared',
        provisioningtype: 'thin',
        offerha: false,
        limitcpuuse: false,
        isvolatile: false,
        issystem: false,
        defaultuse: false,
        iscustomized: false,
        cacheMode: 'none',
        dynamicscalingenabled: true,
        hasannotations: false,
      }));
      return listAnswer('serviceoffering', items, all.length);
    },
  },
  {
    name: 'listOsTypes',
    params: (sim) => [
      { name: 'id', type: 'uuid', exists: (id) => sim.state.osTypes.some((o) => o.id === id) },
      { name: 'description', type: 'string' },
      { name: 'keyword', type: 'string' },
      { name: 'oscategoryid', type: 'uuid', exists: (id) => sim.state.osCategories.some((c) => c.id === id) },
    ],
    run: ({ sim, p }) => {
      const all = sim.state.osTypes.filter(
        (o) =>
          (p.str('id') ?? o.id) === o.id &&
          like(o.description, p.str('description')) &&
          like(o.description, p.str('keyword')) &&
          (p.str('oscategoryid') ?? o.oscategoryid) === o.oscategoryid,
      );
      const categories = new Map(sim.state.osCategories.map((c) => [c.id, c.name]));
      const items = paged(all, p).map((o) => ({
        id: o.id,
        description: o.description,
        oscategoryid: o.oscategoryid,
        oscategoryname: categories.get(o.oscategoryid),
        isuserdefined: false,
        fordisplay: true,
      }));
      return listAnswer('ostype', items, all.length);
    },
  },
  {
    name: 'listConfigurations',
    params: (sim) => [
      { name: 'name', type: 'string' },
      { name: 'category', type: 'string' },
      { name: 'keyword', type: 'string' },
      { name: 'zoneid', type: 'uuid', exists: zoneExists(sim) },
    ],
    run: ({ sim, p }) => {
      // ConfigurationManagerImpl.searchForConfigurations: name LIKE %name%
      const all = sim.state.configurations.filter(
        (c) =>
          like(c.name, p.str('name')) &&
          like(c.name, p.str('keyword')) &&
          (p.str('category') ?? c.category) === c.category,
      );
      return listAnswer('configuration', paged(all, p).map(configurationResponse), all.length);
    },
  },
  {
    name: 'updateConfiguration',
    params: (sim) => [
      { name: 'name', type: 'string', required: true },
      { name: 'value', type: 'string' },
      { name: 'zoneid', type: 'uuid', exists: zoneExists(sim) },
    ],
    run: ({ sim, p }) => ({
      configuration: configurationResponse(updateSetting(sim, p.str('name') ?? '', p.str('value'))),
    }),
  },
  {
    name: 'listImageStores',
    params: (sim) => [
      { name: 'id', type: 'uuid', exists: (id) => sim.state.imageStores.some((s) => s.id === id) },
      { name: 'zoneid', type: 'uuid', exists: zoneExists(sim) },
      { name: 'name', type: 'string' },
      { name: 'protocol', type: 'string' },
      { name: 'readonly', type: 'boolean' },
    ],
    run: ({ sim, p }) => {
      const readonly = p.bool('readonly');
      const all = sim.state.imageStores.filter(
        (s) =>
          (p.str('id') ?? s.id) === s.id &&
          (p.str('name') ?? s.name) === s.name &&
          (readonly === undefined || s.readonly === readonly),
      );
      return listAnswer(
        'imagestore',
        paged(all, p).map((s) => imageStoreResponse(sim, s)),
        all.length,
      );
    },
  },
  {
    name: 'listCapacity',
    params: (sim) => [
      { name: 'zoneid', type: 'uuid', exists: zoneExists(sim) },
      { name: 'type', type: 'integer' },
      { name: 'fetchlatest', type: 'boolean' },
    ],
    run: ({ sim, p }) => {
      const type = p.int('type');
      if (type !== undefined && type !== 6) return listAnswer('capacity', []);
      const total = sim.state.imageStores.reduce((sum, s) => sum + s.totalBytes, 0);
      const used = sim.state.imageStores.reduce((sum, s) => sum + sim.storage.usedBytes(s), 0);
      // ApiResponseHelper: percentused formatted with DecimalFormat("#.##")
      const percent = String(Math.round((used / total) * 10000) / 100);
      return listAnswer('capacity', [
        {
          capacitytotal: total,
          capacityused: used,
          percentused: percent,
          type: 6,
          name: 'SECONDARY_STORAGE',
          zoneid: sim.state.zone.id,
          zonename: sim.state.zone.name,
        },
      ]);
    },
  },
];
