// The one reader of the environment. Apps call loadConfig(process.env) once;
// everything else receives the values it needs.
import { z } from 'zod';
import { formatZodError } from './errors';

const intFromEnv = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configSchema = z.object({
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/vzferry'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** key prefix of every BullMQ queue, so several installs can share a Redis */
  VZFERRY_QUEUE_PREFIX: z.string().min(1).default('vzferry'),
  /** where the instance keeps its own files (the secret key file, logs) */
  VZFERRY_DATA_DIR: z.string().min(1).default('.data'),
  /** 32 bytes, base64 or hex; generated into VZFERRY_DATA_DIR when absent */
  VZFERRY_SECRET_KEY: z.string().optional(),
  /** the lab's state directory (simulated hypervisors and CloudStack) */
  LAB_DIR: z.string().min(1).default('.lab'),
  WEB_PORT: intFromEnv(3000),
  /** the address the web app listens on: loopback unless a TLS proxy in front needs more (docs/operating.md) */
  WEB_HOST: z.string().min(1).default('127.0.0.1'),
  /** where people reach the web app (its TLS proxy's URL); session cookies are Secure when it is https */
  VZFERRY_BASE_URL: z.string().url().optional(),
  /** the first admin, made at the first start when no user exists (else a one-time setup link is logged) */
  VZFERRY_ADMIN_EMAIL: z.email().optional(),
  VZFERRY_ADMIN_PASSWORD: z.string().min(12, 'VZFERRY_ADMIN_PASSWORD needs at least 12 characters').optional(),
  /** converter box identity and capacity (apps/worker) */
  WORKER_NAME: z.string().min(1).optional(),
  WORKER_WORK_DIR: z.string().min(1).default('.data/work'),
  WORKER_MAX_RUNS: intFromEnv(2),
  /** 0: any free port (tests, several boxes on one machine) */
  TEMPLATE_SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  /** the address the template server listens on and CloudStack downloads from: the box's interconnect address; auto: its first non-loopback IPv4 */
  TEMPLATE_SERVER_ADDRESS: z.union([z.ipv4(), z.literal('auto')]).optional(),
  /** the URL CloudStack's secondary storage uses to reach this box, when it is not http://TEMPLATE_SERVER_ADDRESS:PORT (a proxy, NAT) */
  TEMPLATE_SERVER_PUBLIC_URL: z.string().url().optional(),
  /**
   * the box's delta server (rsync daemon) for staged cutovers, on the template server's address; its port is
   * written into staged VMs' disks, so it stays fixed. Unset: no delta server, this box's runs go classic
   */
  DELTA_SERVER_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** the boot ISO for grub-legacy guests (npm run boot-iso); default <WORKER_WORK_DIR>/vzferry-boot.iso when that file exists */
  BOOT_ISO: z.string().min(1).optional(),
  /** the guest-job appliance's vmlinuz and initrd.gz (npm run boot-iso writes them); default vzferry-appliance next to the boot ISO */
  APPLIANCE_DIR: z.string().min(1).optional(),
  /** on: the appliance VM uses KVM when /dev/kvm can be opened (TCG otherwise); off: always TCG */
  APPLIANCE_KVM: z.enum(['on', 'off']).default('off'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${formatZodError(parsed.error)}`);
  }
  return parsed.data;
}
