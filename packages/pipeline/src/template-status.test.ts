// CloudStack's template status as listTemplates reports it at each step of a
// download (TemplateJoinDaoImpl.getTemplateStatus, DownloadListener and
// DownloadMonitorImpl in apache/cloudstack): not started yet, in progress,
// failed, ready. The answers are the lab's (apps/lab/src/cloudstack/responses.ts).
import type { Template } from '@vzferry/cloudstack';
import { describe, expect, it } from 'vitest';
import { downloadFailed, downloadPending, downloadPercent } from './template-status';

const template = (
  status: string | undefined,
  downloadState?: string,
  downloadPercent = 0,
  isready = false,
): Template => ({
  id: 't1',
  name: 'vz101-t1',
  isready,
  ...(status !== undefined && { status }),
  ...(downloadState && { downloaddetails: [{ datastore: 'nfs-sec1', downloadState, downloadPercent }] }),
});

describe("CloudStack's download status", () => {
  it('"" (the DownloadListener\'s first answer) and "Active" (no SSVM took it) are pending, not failed', () => {
    for (const t of [
      template('', 'NOT_DOWNLOADED'),
      template('Active', 'NOT_DOWNLOADED'),
      template('Active'),
      template(''),
      template(undefined), // versions that leave a null status out
      template('Processing'),
    ]) {
      expect(downloadFailed(t), JSON.stringify(t)).toBe(false);
      expect(downloadPending(t), JSON.stringify(t)).toBe(true);
    }
  });

  it('every copy NOT_DOWNLOADED is pending whatever the status text says', () => {
    expect(downloadPending(template('Download in queue', 'NOT_DOWNLOADED'))).toBe(true);
    expect(downloadFailed(template('Download in queue', 'NOT_DOWNLOADED'))).toBe(false);
  });

  it('progress is neither pending nor failed', () => {
    const t = template('37% Downloaded', 'DOWNLOAD_IN_PROGRESS', 37);
    expect([downloadPending(t), downloadFailed(t), downloadPercent(t)]).toEqual([false, false, 37]);
    expect(downloadFailed(template('Installing Template', 'DOWNLOAD_IN_PROGRESS', 100))).toBe(false);
    expect(downloadPending(template('Download Complete', 'DOWNLOADED', 100, true))).toBe(false);
  });

  it("the SSVM's error is a failure", () => {
    expect(downloadFailed(template('Connection reset', 'DOWNLOAD_ERROR', 30))).toBe(true);
    expect(downloadFailed(template(' HTTP Server returned 500 (expected 200 OK) '))).toBe(true);
    expect(downloadPending(template('Connection reset', 'DOWNLOAD_ERROR', 30))).toBe(false);
  });
});
