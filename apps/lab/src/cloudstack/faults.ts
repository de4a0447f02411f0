// Faults the lab can be told to produce, through POST /lab/faults or the
// `fault` subcommand of main.ts: the next N downloads fail (time-out,
// connection reset mid-body, HTTP 500 from the source), downloads go slow,
// secondary storage is full, the next N deployments fail, the next N VMs
// that start do not answer on their addresses (their network stays down),
// the next N downloads are never picked up by a secondary storage VM.
import { z } from 'zod';
import type { DownloadFault } from './download';

export const faultModes = ['timeout', 'reset', 'http500'] as const;

export const faultRequestSchema = z
  .object({
    /** forget every fault first */
    clear: z.boolean().optional(),
    failDownloads: z
      .object({
        count: z.number().int().min(0),
        mode: z.enum(faultModes),
        /** how much of the body arrives before a time-out or reset (0..1); default 0.3 */
        afterFraction: z.number().min(0).max(1).optional(),
        /** how long a timed-out download hangs before it fails; default 1000 ms */
        stallMs: z.number().int().min(0).max(600_000).optional(),
      })
      .optional(),
    /** bytes per second for every download until cleared (null: back to the configured rate) */
    slowDownloads: z.object({ bytesPerSec: z.number().int().positive() }).nullable().optional(),
    /** every image store reports 95 % used */
    fullStorage: z.boolean().optional(),
    /** the next N deployVirtualMachine jobs fail with InsufficientServerCapacityException */
    failDeploys: z.number().int().min(0).optional(),
    /** the next N VMs that start run, but their addresses do not answer */
    silentVms: z.number().int().min(0).optional(),
    /** the next N template/ISO downloads never start (no SSVM takes them): status "Active" for good */
    downloadsNeverStart: z.number().int().min(0).optional(),
  })
  .strict();

export type FaultRequest = z.infer<typeof faultRequestSchema>;

export interface FaultState {
  failDownloads: {
    remaining: number;
    mode: (typeof faultModes)[number];
    afterFraction: number;
    stallMs: number;
  } | null;
  slowDownloadsBytesPerSec: number | null;
  fullStorage: boolean;
  failDeploys: number;
  silentVms: number;
  downloadsNeverStart: number;
}

export class Faults {
  private current: FaultState = Faults.none();

  private static none(): FaultState {
    return {
      failDownloads: null,
      slowDownloadsBytesPerSec: null,
      fullStorage: false,
      failDeploys: 0,
      silentVms: 0,
      downloadsNeverStart: 0,
    };
  }

  get state(): FaultState {
    return structuredClone(this.current);
  }

  apply(request: FaultRequest): FaultState {
    if (request.clear) this.current = Faults.none();
    if (request.failDownloads) {
      const f = request.failDownloads;
      this.current.failDownloads =
        f.count === 0
          ? null
          : { remaining: f.count, mode: f.mode, afterFraction: f.afterFraction ?? 0.3, stallMs: f.stallMs ?? 1000 };
    }
    if (request.slowDownloads !== undefined)
      this.current.slowDownloadsBytesPerSec = request.slowDownloads?.bytesPerSec ?? null;
    if (request.fullStorage !== undefined) this.current.fullStorage = request.fullStorage;
    if (request.failDeploys !== undefined) this.current.failDeploys = request.failDeploys;
    if (request.silentVms !== undefined) this.current.silentVms = request.silentVms;
    if (request.downloadsNeverStart !== undefined) this.current.downloadsNeverStart = request.downloadsNeverStart;
    return this.state;
  }

  /** One download fault, counted down. */
  takeDownloadFault(): DownloadFault | null {
    const f = this.current.failDownloads;
    if (!f) return null;
    f.remaining -= 1;
    if (f.remaining <= 0) this.current.failDownloads = null;
    return { mode: f.mode, afterFraction: f.afterFraction, stallMs: f.stallMs };
  }

  takeDeployFault(): boolean {
    if (this.current.failDeploys <= 0) return false;
    this.current.failDeploys -= 1;
    return true;
  }

  takeNeverStart(): boolean {
    if (this.current.downloadsNeverStart <= 0) return false;
    this.current.downloadsNeverStart -= 1;
    return true;
  }

  takeSilentVm(): boolean {
    if (this.current.silentVms <= 0) return false;
    this.current.silentVms -= 1;
    return true;
  }
}
