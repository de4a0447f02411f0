// registerTemplate, listTemplates, deleteTemplate, registerIso, listIsos.
import { randomUUID } from 'node:crypto';
import { invalidParameterValue, paramError } from '../api-error';
import type { CommandContext, CommandDef } from '../registry';
import { paged } from '../registry';
import { listAnswer, templateResponse } from '../responses';
import type { Simulator } from '../simulator';
import { type LabTemplate, type LabUser, nextDbId } from '../state';
import { checkRemoteReachable, imageFormat, validateTemplateUrl } from '../template-url';
import { formatDate } from '../time';

const templateExists = (sim: Simulator) => (id: string) => sim.state.templates.some((t) => t.id === id);
const osExists = (sim: Simulator) => (id: string) => sim.state.osTypes.some((o) => o.id === id);
const zoneOrAll = (sim: Simulator) => (id: string) => id === sim.state.zone.id || id === '-1';

const HYPERVISORS = [
  'XenServer',
  'KVM',
  'VMware',
  'Hyperv',
  'VirtualBox',
  'Parralels',
  'BareMetal',
  'Simulator',
  'Ovm',
  'Ovm3',
  'LXC',
  'Custom',
  'External',
];

function commonParams(sim: Simulator) {
  return [
    { name: 'name', type: 'string' as const, required: true },
    { name: 'url', type: 'string' as const, required: true },
    { name: 'zoneid', type: 'uuid' as const, exists: zoneOrAll(sim) },
    { name: 'ostypeid', type: 'uuid' as const, exists: osExists(sim) },
    { name: 'ispublic', type: 'boolean' as const },
    { name: 'isfeatured', type: 'boolean' as const },
    { name: 'isextractable', type: 'boolean' as const },
    { name: 'checksum', type: 'string' as const },
  ];
}

async function register(ctx: CommandContext, kind: 'template' | 'iso'): Promise<LabTemplate> {
  const { sim, p, user } = ctx;
  const format = kind === 'iso' ? 'ISO' : imageFormat(p.str('format') ?? '');
  const hypervisor = kind === 'iso' ? 'None' : (p.str('hypervisor') ?? '');
  if (kind === 'template' && !HYPERVISORS.some((h) => h.toLowerCase() === hypervisor.toLowerCase())) {
    throw invalidParameterValue(
      `Hypervisor Type: ${hypervisor} is invalid. Supported Hypervisor types are: ${HYPERVISORS.join(', ')}`,
    );
  }
  const bootable = p.bool('bootable') ?? true;
  if (!p.str('ostypeid') && (kind === 'template' || bootable))
    throw invalidParameterValue('Please pass a valid GuestOS Id');
  const url = validateTemplateUrl(format, p.str('url') ?? '', sim.options.cloudstackVersion);
  await checkRemoteReachable(url);
  const template: LabTemplate = {
    id: randomUUID(),
    dbId: nextDbId(sim.state),
    kind,
    name: p.str('name') ?? '',
    displaytext: p.str('displaytext') ?? p.str('name') ?? '',
    url: url.toString(),
    format,
    hypervisor:
      kind === 'iso' ? 'None' : (HYPERVISORS.find((h) => h.toLowerCase() === hypervisor.toLowerCase()) ?? hypervisor),
    ostypeid: p.str('ostypeid') ?? sim.state.osTypes.find((o) => o.description === 'Other (64-bit)')?.id ?? '',
    zoneid: sim.state.zone.id,
    // TemplateAdapterBase.prepare: isPublic null -> false
    ispublic: p.bool('ispublic') ?? false,
    isfeatured: p.bool('isfeatured') ?? false,
    isextractable: p.bool('isextractable') ?? false,
    passwordenabled: p.bool('passwordenabled') ?? false,
    sshkeyenabled: p.bool('sshkeyenabled') ?? false,
    requireshvm: p.bool('requireshvm') ?? true,
    bootable,
    isdynamicallyscalable: p.bool('isdynamicallyscalable') ?? false,
    directdownload: p.bool('directdownload') ?? false,
    checksum: p.str('checksum') ?? null,
    details: p.map('details')?.[0] ?? {},
    created: formatDate(new Date()),
    removed: null,
    accountId: user.accountId,
    storeRefs: [],
  };
  sim.state.templates.push(template);
  sim.storage.allocate(template);
  sim.changed();
  return template;
}

/** VirtualMachineTemplate.TemplateFilter (api/.../template/VirtualMachineTemplate.java) */
const TEMPLATE_FILTERS = [
  'featured',
  'self',
  'selfexecutable',
  'shared',
  'sharedexecutable',
  'executable',
  'community',
  'system',
  'all',
] as const;
type TemplateFilter = (typeof TEMPLATE_FILTERS)[number];

/** ListTemplatesCmd.listInReadyState: these filters show only templates that are downloaded */
const READY_ONLY: TemplateFilter[] = ['featured', 'selfexecutable', 'sharedexecutable', 'community'];

/**
 * QueryManagerImpl.searchForTemplatesInternal starts with TemplateFilter.valueOf (case-sensitive); its
 * IllegalArgumentException becomes a ServerApiException(PARAM_ERROR): 431 with Java's enum message.
 */
function templateFilter(value: string): TemplateFilter {
  const known = TEMPLATE_FILTERS.find((f) => f === value);
  if (!known) throw paramError(`No enum constant com.cloud.template.VirtualMachineTemplate.TemplateFilter.${value}`);
  return known;
}

function passesFilter(t: LabTemplate, filter: TemplateFilter, user: LabUser): boolean {
  if (READY_ONLY.includes(filter) && !t.storeRefs.some((r) => r.state === 'Ready')) return false;
  const own = t.accountId === user.accountId;
  switch (filter) {
    case 'featured':
      return t.isfeatured && t.ispublic;
    case 'self':
    case 'selfexecutable':
      return own;
    case 'executable':
      return own || t.ispublic;
    case 'community':
      return t.ispublic && !t.isfeatured;
    case 'all':
      return true;
    default:
      // shared, sharedexecutable, system: the lab grants no launch permissions and has no system templates
      return false;
  }
}

function listOf(ctx: CommandContext, kind: 'template' | 'iso', filterParam: string): LabTemplate[] {
  const { sim, p, user } = ctx;
  const filter = templateFilter(filterParam);
  return sim.state.templates.filter(
    (t) =>
      t.kind === kind &&
      t.removed === null &&
      (p.str('id') ?? t.id) === t.id &&
      (p.str('name') ?? t.name) === t.name &&
      (p.str('keyword') === undefined || t.name.toLowerCase().includes((p.str('keyword') ?? '').toLowerCase())) &&
      passesFilter(t, filter, user),
  );
}

export const templateCommands: CommandDef[] = [
  {
    name: 'registerTemplate',
    params: (sim) => [
      ...commonParams(sim),
      { name: 'displaytext', type: 'string', required: true },
      { name: 'format', type: 'string', required: true },
      { name: 'hypervisor', type: 'string', required: true },
      { name: 'zoneids', type: 'uuidlist', exists: zoneOrAll(sim) },
      { name: 'passwordenabled', type: 'boolean' },
      { name: 'sshkeyenabled', type: 'boolean' },
      { name: 'requireshvm', type: 'boolean' },
      { name: 'directdownload', type: 'boolean' },
      { name: 'details', type: 'map' },
    ],
    run: async (ctx) => listAnswer('template', [templateResponse(ctx.sim, await register(ctx, 'template'))]),
  },
  {
    name: 'registerIso',
    params: (sim) => [
      ...commonParams(sim),
      { name: 'displaytext', type: 'string' },
      { name: 'bootable', type: 'boolean' },
    ],
    run: async (ctx) => listAnswer('iso', [templateResponse(ctx.sim, await register(ctx, 'iso'))]),
  },
  {
    name: 'listTemplates',
    params: (sim) => [
      { name: 'templatefilter', type: 'string', required: true },
      { name: 'id', type: 'uuid', exists: templateExists(sim) },
      { name: 'name', type: 'string' },
      { name: 'keyword', type: 'string' },
      { name: 'zoneid', type: 'uuid', exists: zoneOrAll(sim) },
    ],
    run: (ctx) => {
      const { sim, p } = ctx;
      const all = listOf(ctx, 'template', p.str('templatefilter') ?? '');
      return listAnswer(
        'template',
        paged(all, p).map((t) => templateResponse(sim, t)),
        all.length,
      );
    },
  },
  {
    name: 'listIsos',
    params: (sim) => [
      { name: 'isofilter', type: 'string' },
      { name: 'id', type: 'uuid', exists: templateExists(sim) },
      { name: 'name', type: 'string' },
      { name: 'keyword', type: 'string' },
      { name: 'zoneid', type: 'uuid', exists: zoneOrAll(sim) },
    ],
    run: (ctx) => {
      const { sim, p } = ctx;
      // ListIsosCmd: isofilter defaults to selfexecutable
      const all = listOf(ctx, 'iso', p.str('isofilter') ?? 'selfexecutable');
      return listAnswer(
        'iso',
        paged(all, p).map((t) => templateResponse(sim, t)),
        all.length,
      );
    },
  },
  {
    name: 'deleteTemplate',
    cmdClass: 'org.apache.cloudstack.api.command.user.template.DeleteTemplateCmd',
    params: (sim) => [
      { name: 'id', type: 'uuid', required: true, exists: templateExists(sim) },
      { name: 'zoneid', type: 'uuid', exists: zoneOrAll(sim) },
      { name: 'forced', type: 'boolean' },
    ],
    start: ({ sim, p }) => {
      const template = sim.state.templates.find((t) => t.id === p.str('id'));
      const forced = p.bool('forced') ?? false;
      return {
        instanceType: 'Template',
        instanceId: template?.id ?? null,
        work: async () => {
          if (!template || template.removed)
            throw invalidParameterValue(`unable to find template with id ${template?.dbId ?? p.str('id')}`);
          const users = sim.state.vms.filter((vm) => vm.templateid === template.id && vm.state !== 'Destroyed');
          if (!forced && users.length > 0) {
            // TemplateManagerImpl.deleteTemplate
            const vms = users.map((vm) => `VM[User|i-2-${vm.dbId}-VM]`).join(',');
            throw invalidParameterValue(
              `Unable to delete template with id: ${template.dbId} because VM instances: [${vms}] are using it.`,
            );
          }
          sim.storage.remove(template);
          template.removed = formatDate(new Date());
          sim.changed();
          return { success: true };
        },
      };
    },
  },
];
