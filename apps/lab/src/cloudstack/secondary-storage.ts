// The zone's secondary storage: which image stores get a template
// (HypervisorTemplateAdapter: a public template goes to every store, a
// private one to one store picked at random; stores at 90 % are skipped),
// each store's own download, then the install step (checksum, format,
// virtual size) and the template_store_ref states listTemplates reports.
// What listTemplates shows is not the download itself but the management
// server's copy of it (template_store_ref), refreshed when the SSVM answers a
// progress poll: DownloadListener polls every STATUS_POLL_INTERVAL (10 s), and
// its constructor first records NOT_DOWNLOADED with an empty error string
// (server/.../storage/download/DownloadListener.java), so a new template's
// status is "" until the first answer.
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { download, type DownloadFault } from './download';
import { checkTemplateFormat, fileDigest, parseChecksum, virtualSize } from './image-file';
import type { LabImageStore, LabStoreRef, LabTemplate } from './state';

/** StatsCollector.imageStoreCapacityThreshold */
export const STORE_FULL_RATIO = 0.9;

export interface StorageHost {
  dir: string;
  templates(): LabTemplate[];
  stores(): LabImageStore[];
  setting(name: string): string | null;
  /** the next injected download fault, consumed */
  takeDownloadFault(): DownloadFault | null;
  /** the downloadsNeverStart fault, consumed: no secondary storage VM takes the download */
  takeNeverStart(): boolean;
  /** how often the SSVM's progress reaches template_store_ref (DownloadListener.STATUS_POLL_INTERVAL) */
  downloadPollMs: number;
  rateBytesPerSec(): number;
  fullStorage(): boolean;
  installMs: number;
  readTimeoutMs: number;
  /** persist now (important transitions) or soon (progress) */
  changed(urgent: boolean): void;
}

export class SecondaryStorage {
  private readonly inFlight = new Map<string, AbortController>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly host: StorageHost) {}

  private storeDir(store: LabImageStore): string {
    return path.join(this.host.dir, 'cloudstack', 'secondary', store.name);
  }

  /** the file of a Ready copy of the template (the first store that has one) */
  readyFile(template: LabTemplate): string | null {
    for (const ref of template.storeRefs) {
      const store = this.host.stores().find((s) => s.id === ref.storeId);
      if (store && ref.state === 'Ready' && ref.installPath) return path.join(this.storeDir(store), ref.installPath);
    }
    return null;
  }

  usedBytes(store: LabImageStore): number {
    let used = store.baseUsedBytes;
    for (const t of this.host.templates()) {
      for (const ref of t.storeRefs)
        if (ref.storeId === store.id) used += ref.state === 'Ready' ? ref.physicalSize : ref.downloadedBytes;
    }
    if (this.host.fullStorage()) used = Math.max(used, Math.ceil(store.totalBytes * 0.95));
    return used;
  }

  hasCapacity(store: LabImageStore): boolean {
    return !store.readonly && this.usedBytes(store) / store.totalBytes <= STORE_FULL_RATIO;
  }

  /** Creates the store refs of a new template and starts their downloads. */
  allocate(template: LabTemplate): void {
    const candidates = this.host.stores().filter((s) => this.hasCapacity(s));
    const chosen = template.ispublic ? candidates : candidates.sort(() => Math.random() - 0.5).slice(0, 1);
    template.storeRefs = chosen.map((store) => newRef(store.id));
    for (const ref of template.storeRefs) this.start(template, ref);
  }

  /** After a restart: downloads that were running start over, as the SSVM re-syncs. */
  resume(): void {
    for (const t of this.host.templates()) {
      if (t.removed) continue;
      for (const ref of t.storeRefs) {
        if (ref.downloadState === 'DOWNLOAD_IN_PROGRESS' || ref.downloadState === 'NOT_DOWNLOADED') this.start(t, ref);
      }
    }
  }

  /** deleteTemplate: stop the downloads and remove every copy. */
  remove(template: LabTemplate): void {
    for (const ref of template.storeRefs) {
      this.inFlight.get(refKey(template, ref))?.abort();
      const store = this.host.stores().find((s) => s.id === ref.storeId);
      if (store)
        rmSync(path.join(this.storeDir(store), 'template', 'tmpl', '2', String(template.dbId)), {
          recursive: true,
          force: true,
        });
      ref.state = 'Destroyed';
    }
    template.storeRefs = [];
  }

  /** Waits for every running download (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  stop(): void {
    for (const c of this.inFlight.values()) c.abort();
  }

  private start(template: LabTemplate, ref: LabStoreRef): void {
    // DownloadMonitorImpl.initiateTemplateDownload without an endpoint: the row stays as persisted
    // (NOT_DOWNLOADED, no error string), which listTemplates shows as the template's state, "Active"
    if (this.host.takeNeverStart()) {
      Object.assign(ref, {
        downloadState: 'NOT_DOWNLOADED',
        downloadPercent: 0,
        state: 'Allocated',
        errorString: null,
      });
      return this.host.changed(true);
    }
    const task = this.run(template, ref).finally(() => this.running.delete(task));
    this.running.add(task);
  }

  private async run(template: LabTemplate, ref: LabStoreRef): Promise<void> {
    const store = this.host.stores().find((s) => s.id === ref.storeId);
    if (!store) return;
    const controller = new AbortController();
    this.inFlight.set(refKey(template, ref), controller);
    const dir = path.join(this.storeDir(store), 'template', 'tmpl', '2', String(template.dbId));
    mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `dnld${randomUUID().slice(0, 8)}tmp_`);
    // DownloadListener's constructor records ("", NOT_DOWNLOADED) before the SSVM answers
    Object.assign(ref, {
      downloadState: 'NOT_DOWNLOADED',
      downloadPercent: 0,
      state: 'Creating',
      errorString: '',
      downloadedBytes: 0,
    });
    this.host.changed(true);
    const job: SsvmJob = { downloadState: 'DOWNLOAD_IN_PROGRESS', downloadPercent: 0, errorString: null };
    const reported = this.pollProgress(ref, job, controller.signal);
    try {
      const outcome = await download({
        url: template.url,
        toFile: tmp,
        maxBytes: Number(this.host.setting('max.template.iso.size') ?? '50') * 1024 ** 3,
        freeBytes: () => store.totalBytes - this.usedBytes(store),
        rateBytesPerSec: () => this.host.rateBytesPerSec(),
        fault: this.host.takeDownloadFault(),
        readTimeoutMs: this.host.readTimeoutMs,
        blockedHost: this.blockedHost(template.url),
        signal: controller.signal,
        onProgress: (bytes, remoteSize) => {
          ref.downloadedBytes = bytes;
          job.downloadPercent = remoteSize > 0 ? Math.min(100, Math.floor((100 * bytes) / remoteSize)) : 0;
        },
      });
      if (!outcome.ok) {
        rmSync(tmp, { force: true });
        if (outcome.aborted) return;
        this.fail(job, outcome.error);
      } else {
        await this.install(template, ref, job, tmp, dir);
      }
      job.done = true;
      await reported;
    } finally {
      controller.abort();
      this.inFlight.delete(refKey(template, ref));
    }
  }

  /**
   * Copies the SSVM's job into template_store_ref at every poll, until the
   * answer that ends it (DOWNLOADED or DOWNLOAD_ERROR) has been recorded; a
   * shutdown records an ended job at once (its file is in place already).
   */
  private pollProgress(ref: LabStoreRef, job: SsvmJob, signal: AbortSignal): Promise<void> {
    const report = (): boolean => {
      const { done, ...answer } = job;
      Object.assign(ref, answer);
      this.host.changed(done === true);
      return done === true;
    };
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        if (report()) stop();
      }, this.host.downloadPollMs);
      const stop = () => {
        clearInterval(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        if (job.done) report();
        stop();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** DOWNLOAD_FINISHED -> "Installing Template" -> checksum, format, size -> DOWNLOADED and Ready. */
  private async install(
    template: LabTemplate,
    ref: LabStoreRef,
    job: SsvmJob,
    tmp: string,
    dir: string,
  ): Promise<void> {
    job.downloadPercent = 100;
    await new Promise((r) => setTimeout(r, this.host.installMs));
    if (template.removed) return;
    const physical = statSync(tmp).size;
    const urlPath = new URL(template.url).pathname;
    const unsupported = await checkTemplateFormat(tmp, template.format, urlPath);
    if (unsupported !== '') {
      rmSync(tmp, { force: true });
      // VerifyFormat throws; runInContext records "Failed to install: " + the message
      return this.fail(
        job,
        `Failed to install: Template content is unsupported, or mismatch between selected format and template content. Found  : ${unsupported}`,
      );
    }
    const checksumError = await this.checksumError(template, tmp);
    if (checksumError) {
      rmSync(tmp, { force: true });
      return this.fail(job, `Failed post download script: ${checksumError}`);
    }
    const ext = template.format === 'ISO' ? 'iso' : template.format.toLowerCase();
    const final = path.join(dir, `${randomUUID()}.${ext}`);
    renameSync(tmp, final);
    ref.downloadedBytes = physical;
    Object.assign(job, {
      downloadState: 'DOWNLOADED',
      state: 'Ready',
      installPath: path.relative(path.join(dir, '..', '..', '..', '..'), final),
      physicalSize: physical,
      size: await virtualSize(final, physical),
      errorString: `Install completed successfully at ${new Date().toISOString()}`,
    });
  }

  private async checksumError(template: LabTemplate, file: string): Promise<string | null> {
    if (!template.checksum) return null;
    const given = parseChecksum(template.checksum);
    const actual = await fileDigest(file, given.algorithm);
    if (actual === null) return `checksum algorithm not recognised: ${given.algorithm}`;
    if (actual === given.value) return null;
    return `checksum "{${given.algorithm}}${actual}" didn't match the given value, "{${given.algorithm}}${given.value}"`;
  }

  private fail(job: SsvmJob, error: string): void {
    Object.assign(job, { downloadState: 'DOWNLOAD_ERROR', state: 'Failed', errorString: error });
  }

  /** An RFC 1918 host not in secstorage.allowed.internal.sites is unreachable from the SSVM. */
  private blockedHost(url: string): boolean {
    const host = new URL(url).hostname;
    const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
    if (!m) return false;
    const [a, b] = [Number(m[1]), Number(m[2])];
    const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
    if (!isPrivate) return false;
    const sites = (this.host.setting('secstorage.allowed.internal.sites') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return !sites.some((cidr) => inCidr(host, cidr));
  }
}

/** The SSVM's side of a download: what its next answer to a progress poll will say. */
type SsvmJob = Partial<Omit<LabStoreRef, 'storeId' | 'downloadedBytes'>> & { done?: boolean };

function newRef(storeId: string): LabStoreRef {
  return {
    storeId,
    downloadState: 'NOT_DOWNLOADED',
    downloadPercent: 0,
    errorString: null,
    state: 'Allocated',
    installPath: null,
    size: 0,
    physicalSize: 0,
    downloadedBytes: 0,
  };
}

const refKey = (t: LabTemplate, r: LabStoreRef) => `${t.id}/${r.storeId}`;

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!base || !/^\d+\.\d+\.\d+\.\d+$/.test(base)) return false;
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base) / size);
}
