// Templates and ISOs on secondary storage: register from a URL, list (the
// download status), delete (async; the only way to retry a failed download).
import type { JobWaitOptions } from '../async-jobs';
import { type CommandParams, detailsParam } from '../params';
import { CloudStackResponseError } from '../errors';
import { listOf, successSchema } from '../schemas/common';
import { type Template, templateSchema } from '../schemas/template';
import { type CommandContext, listAll, parseAnswer, runAsync } from './context';

export interface RegisterTemplateInput {
  name: string;
  displayText?: string;
  /** http(s) URL the secondary storage VM downloads; path ending in .qcow2 (or .img) for QCOW2 */
  url: string;
  zoneId: string;
  osTypeId: string;
  /** default QCOW2 */
  format?: string;
  /** default KVM */
  hypervisor?: string;
  /** default false: a public template is copied to every image store of the zone */
  isPublic?: boolean;
  isExtractable?: boolean;
  isFeatured?: boolean;
  passwordEnabled?: boolean;
  sshKeyEnabled?: boolean;
  isDynamicallyScalable?: boolean;
  requiresHvm?: boolean;
  /** "{SHA-256}<hex>", "{MD5}<hex>" or a bare MD5 */
  checksum?: string;
  directDownload?: boolean;
  /** e.g. {rootDiskController: 'virtio'} */
  details?: Record<string, string>;
}

export async function registerTemplate(ctx: CommandContext, input: RegisterTemplateInput): Promise<Template> {
  const params: CommandParams = {
    name: input.name,
    displaytext: input.displayText ?? input.name,
    url: input.url,
    zoneid: input.zoneId,
    ostypeid: input.osTypeId,
    format: input.format ?? 'QCOW2',
    hypervisor: input.hypervisor ?? 'KVM',
    // RegisterTemplateCmd: ispublic defaults to true; a migration template belongs to one customer
    ispublic: input.isPublic ?? false,
    isextractable: input.isExtractable,
    isfeatured: input.isFeatured,
    passwordenabled: input.passwordEnabled,
    sshkeyenabled: input.sshKeyEnabled,
    isdynamicallyscalable: input.isDynamicallyScalable,
    requireshvm: input.requiresHvm,
    checksum: input.checksum,
    directdownload: input.directDownload,
    details: detailsParam(input.details),
  };
  const raw = await ctx.transport.call('registerTemplate', params);
  const templates = parseAnswer('registerTemplate', listOf('template', templateSchema), raw);
  const first = templates[0];
  if (!first) throw new CloudStackResponseError('registerTemplate', 'no template in the answer');
  return first;
}

export interface ListTemplatesInput {
  /** self, selfexecutable, sharedexecutable, executable, community, featured, all */
  templateFilter?: string;
  id?: string;
  name?: string;
  zoneId?: string;
  keyword?: string;
}

export function listTemplates(ctx: CommandContext, input: ListTemplatesInput = {}): Promise<Template[]> {
  const params = {
    templatefilter: input.templateFilter ?? 'self',
    id: input.id,
    name: input.name,
    zoneid: input.zoneId,
    keyword: input.keyword,
  };
  return listAll(ctx, 'listTemplates', params, 'template', templateSchema);
}

export interface DeleteTemplateInput {
  id: string;
  /** only this zone's copies; default all */
  zoneId?: string;
  /** delete even when VMs use it */
  forced?: boolean;
}

export async function deleteTemplate(
  ctx: CommandContext,
  input: DeleteTemplateInput,
  opts?: JobWaitOptions,
): Promise<void> {
  const { result } = await runAsync(
    ctx,
    'deleteTemplate',
    { id: input.id, zoneid: input.zoneId, forced: input.forced },
    opts,
  );
  parseAnswer('deleteTemplate', successSchema, result);
}

export interface RegisterIsoInput {
  name: string;
  displayText?: string;
  url: string;
  zoneId: string;
  osTypeId?: string;
  bootable?: boolean;
  isPublic?: boolean;
  isExtractable?: boolean;
  checksum?: string;
}

export async function registerIso(ctx: CommandContext, input: RegisterIsoInput): Promise<Template> {
  const params: CommandParams = {
    name: input.name,
    displaytext: input.displayText ?? input.name,
    url: input.url,
    zoneid: input.zoneId,
    ostypeid: input.osTypeId,
    bootable: input.bootable ?? true,
    ispublic: input.isPublic ?? false,
    isextractable: input.isExtractable,
    checksum: input.checksum,
  };
  const raw = await ctx.transport.call('registerIso', params);
  const isos = parseAnswer('registerIso', listOf('iso', templateSchema), raw);
  const first = isos[0];
  if (!first) throw new CloudStackResponseError('registerIso', 'no iso in the answer');
  return first;
}

export interface ListIsosInput {
  id?: string;
  name?: string;
  zoneId?: string;
  isoFilter?: string;
}

export function listIsos(ctx: CommandContext, input: ListIsosInput = {}): Promise<Template[]> {
  const params = { isofilter: input.isoFilter ?? 'self', id: input.id, name: input.name, zoneid: input.zoneId };
  return listAll(ctx, 'listIsos', params, 'iso', templateSchema);
}
