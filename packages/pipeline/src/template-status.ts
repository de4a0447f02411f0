// What CloudStack's template (and ISO) status says about a download:
// progress strings while the secondary storage VM works, its error text when
// it failed (TemplateJoinDaoImpl.getTemplateStatus in apache/cloudstack).
import type { Template } from '@vzferry/cloudstack';

export function downloadFailed(t: Template): boolean {
  if (t.downloaddetails?.some((d) => d.downloadState === 'DOWNLOAD_ERROR' || d.downloadState === 'ABANDONED'))
    return true;
  const s = (t.status ?? '').trim();
  if (!s) return false;
  return !/^\d+% Downloaded$|^Installing Template$|^Download Complete$|^Successfully Installed$|^Processing$|^Not Downloaded$|^Downloading$/i.test(
    s,
  );
}

export function downloadPercent(t: Template): number | null {
  const details = t.downloaddetails ?? [];
  if (details.length) return Math.min(...details.map((d) => Number(d.downloadPercent ?? 0)));
  const m = /^(\d+)% Downloaded/.exec(t.status ?? '');
  return m ? Number(m[1]) : null;
}
