// TemplateResponse (apache/cloudstack api/.../response/TemplateResponse.java)
// for templates and ISOs. `status` is TemplateJoinDaoImpl.getTemplateStatus:
// "37% Downloaded", "Installing Template", "Download Complete", or the
// secondary storage VM's error text; `isready` is true only once Ready.
import { z } from 'zod';
import { booleanish, idish, numberish } from './common';

export const downloadDetailSchema = z.looseObject({
  datastore: z.string().optional(),
  /** a string on the wire ("37") */
  downloadPercent: numberish.optional(),
  /** VMTemplateStorageResourceAssoc.Status: DOWNLOAD_IN_PROGRESS, DOWNLOADED, DOWNLOAD_ERROR, ... */
  downloadState: z.string().optional(),
});
export type DownloadDetail = z.infer<typeof downloadDetailSchema>;

export const templateSchema = z.looseObject({
  id: idish,
  name: z.string(),
  displaytext: z.string().optional(),
  isready: booleanish,
  status: z.string().optional(),
  /** virtual size in bytes; absent until known */
  size: numberish.optional(),
  /** file size in bytes on secondary storage; absent until known */
  physicalsize: numberish.optional(),
  downloaddetails: z.array(downloadDetailSchema).optional(),
  format: z.string().optional(),
  hypervisor: z.string().optional(),
  ostypeid: idish.optional(),
  ostypename: z.string().optional(),
  zoneid: idish.optional(),
  zonename: z.string().optional(),
  url: z.string().optional(),
  checksum: z.string().optional(),
  ispublic: booleanish.optional(),
  isextractable: booleanish.optional(),
  bootable: booleanish.optional(),
  templatetype: z.string().optional(),
  created: z.string().optional(),
  crossZones: booleanish.optional(),
});
export type Template = z.infer<typeof templateSchema>;
