// What CloudStack's template (and ISO) status says about a download
// (TemplateJoinDaoImpl.getTemplateStatus in apache/cloudstack): progress
// strings while the secondary storage VM works, its error text when it
// failed. Before the SSVM's first answer nothing has started: the
// DownloadListener records ("", NOT_DOWNLOADED), so the status is "" (left
// out by versions that drop null fields); a row without an error string shows
// the template's own state, "Active" (what a zone whose SSVM never takes the
// download keeps showing: DownloadMonitorImpl.initiateTemplateDownload).
import type { Template } from '@vzferry/cloudstack';

/** VMTemplateStorageResourceAssoc.Status of a download that ended badly */
const FAILED_STATES = ['DOWNLOAD_ERROR', 'ABANDONED'];
/** status strings of a download that has not started: "", the template's state, getTemplateStatus' default */
const PENDING_STATUS = /^$|^Active$|^Processing$|^Not Downloaded$/i;
const PROGRESS_STATUS =
  /^\d+% Downloaded$|^Installing Template$|^Installing ISO$|^Download Complete$|^Successfully Installed$|^Downloading$/i;

/** Registered, but no image store has started downloading it yet. */
export function downloadPending(t: Template): boolean {
  if (t.isready) return false;
  const details = t.downloaddetails ?? [];
  // per image store, when the server lists them: every copy still NOT_DOWNLOADED, whatever the status text
  if (details.length) return details.every((d) => d.downloadState === 'NOT_DOWNLOADED' || !d.downloadState);
  return PENDING_STATUS.test((t.status ?? '').trim());
}

export function downloadFailed(t: Template): boolean {
  if (t.downloaddetails?.some((d) => FAILED_STATES.includes(d.downloadState ?? ''))) return true;
  if (t.isready || downloadPending(t)) return false;
  return !PROGRESS_STATUS.test((t.status ?? '').trim());
}

export function downloadPercent(t: Template): number | null {
  const details = t.downloaddetails ?? [];
  if (details.length) return Math.min(...details.map((d) => Number(d.downloadPercent ?? 0)));
  const m = /^(\d+)% Downloaded/.exec(t.status ?? '');
  return m ? Number(m[1]) : null;
}
