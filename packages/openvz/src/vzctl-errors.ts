// vzctl exit codes and what they mean (kolyshkin/vzctl include/vzerror.h).
// vzctl's messages are stable, but the code is what decides: VzctlError
// carries both, so callers branch on `code` and people read `message`.
export const VZCTL_EXIT_CODES: Readonly<Record<number, string>> = {
  1: 'failed to set a user beancounter',
  2: 'failed to set the fair scheduler parameters',
  3: 'system error on the hypervisor',
  5: 'the kernel is not OpenVZ-capable',
  6: 'out of resources on the hypervisor',
  7: 'failed to create the container environment',
  8: 'the command run inside the container failed',
  9: 'the container is locked by another vzctl operation',
  10: 'the global config file /etc/vz/vz.conf is missing',
  11: 'a vzctl action script is missing',
  12: 'permission denied',
  13: 'failed to set capabilities',
  14: 'the container config file does not exist',
  15: 'the command in the container timed out',
  16: 'checkpoint failed',
  17: 'restore failed',
  18: 'failed to set the luid',
  20: 'invalid command line syntax',
  21: 'invalid parameter value',
  22: 'VE_ROOT is not set',
  23: 'VE_PRIVATE is not set',
  24: 'TEMPLATE is not set',
  27: 'not enough parameters',
  28: 'not enough user beancounter parameters',
  29: 'OSTEMPLATE is not set',
  31: 'Container is not running',
  32: 'Container is already running',
  33: 'unable to stop the container',
  34: 'unable to add an IP address to the container',
  35: 'the container configuration did not validate',
  36: 'the container configuration overcommits the hypervisor',
  40: 'the container private area is not mounted',
  41: 'the container private area is already mounted',
  43: 'the container private area does not exist',
  44: 'the container private area already exists',
  46: 'not enough disk space',
  47: 'the OS template private area is broken',
  48: 'cannot create the container private area',
  49: 'cannot create the container mount point',
  50: 'cannot mount the container private area',
  51: 'cannot unmount the container private area',
  52: 'cannot delete the container private area',
  53: 'unknown mount type',
  54: 'cannot create a directory',
  55: 'not enough disk quota limits',
  60: 'disk quota is not supported',
  61: 'disk quota initialisation failed',
  62: 'failed to set the disk quota',
  63: 'DISKSPACE is not set',
  64: 'DISKINODES is not set',
  65: 'failed to set the user quota',
  66: 'failed to turn the disk quota off',
  67: 'user/group quota is not initialised',
  68: 'failed to read the disk quota usage',
  70: 'invalid hostname',
  71: 'invalid IP address',
  72: 'invalid DNS nameserver address',
  73: 'invalid DNS search domain',
  74: 'failed to change a password',
  77: 'LOCKDIR is not set',
  78: 'the IP address is already in use',
  79: 'an action script failed',
  82: 'failed to copy the config file',
  85: 'invalid config file',
  86: 'failed to set devices',
  87: 'failed to install applications',
  89: 'IP address is not available',
  91: 'the OS template was not found',
  99: 'ploop is not supported',
  100: 'failed to get the container IP addresses',
  104: 'network device error',
  105: 'starting the container is disabled (DISABLED=yes)',
  106: 'failed to set iptables modules',
  107: 'no distribution config for the OS template',
  108: 'a distribution action script is missing',
  109: 'failed to apply a config sample',
  128: 'custom reinstall failed',
  129: 'failed to set meminfo',
  130: 'veth configuration failed',
  131: 'failed to set the container name',
  133: 'waiting for the container start failed',
  139: 'failed to save the container config',
  144: 'failed to set osrelease',
  148: 'failed to set IO parameters',
  151: 'failed to create the ploop image',
  152: 'failed to mount the ploop image',
  153: 'failed to unmount the ploop image',
  154: 'failed to resize the ploop image',
  155: 'failed to convert the ploop image',
  156: 'failed to create a ploop snapshot',
  157: 'failed to merge a ploop snapshot',
  158: 'failed to delete a ploop snapshot',
  159: 'failed to switch a ploop snapshot',
  160: 'failed to mount a ploop snapshot',
  161: 'failed to unmount a ploop snapshot',
  166: 'failed to compact the ploop image',
  167: 'failed to list ploop snapshots',
};

/** The codes callers branch on, by name. */
export const VZ_EXIT = {
  SYSTEM_ERROR: 3,
  COMMAND_EXECUTION_ERROR: 8,
  LOCKED: 9,
  NO_VE_CONFIG: 14,
  EXEC_TIMEOUT: 15,
  INVALID_PARAMETER_SYNTAX: 20,
  INVALID_PARAMETER_VALUE: 21,
  VE_NOT_RUNNING: 31,
  VE_RUNNING: 32,
  STOP_ERROR: 33,
  FS_NO_PRIVATE: 43,
} as const;

export function vzctlExitMeaning(code: number): string {
  return VZCTL_EXIT_CODES[code] ?? `unknown vzctl exit code ${code}`;
}

export class VzctlError extends Error {
  readonly code: number;
  readonly meaning: string;
  readonly ctid: number | null;
  readonly argv: readonly string[];
  readonly stderr: string;
  readonly stdout: string;

  constructor(init: {
    code: number;
    ctid: number | null;
    argv: readonly string[];
    where: string;
    stdout: string;
    stderr: string;
  }) {
    const meaning = vzctlExitMeaning(init.code);
    const said = lastLine(init.stderr) || lastLine(init.stdout);
    const ct = init.ctid === null ? '' : `container ${init.ctid}: `;
    super(
      `${ct}${init.argv.slice(0, 2).join(' ')} on ${init.where} exited with ${init.code} (${meaning})${said && said !== meaning ? `: ${said}` : ''}`,
    );
    this.name = 'VzctlError';
    this.code = init.code;
    this.meaning = meaning;
    this.ctid = init.ctid;
    this.argv = init.argv;
    this.stdout = init.stdout;
    this.stderr = init.stderr;
  }
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim().slice(0, 300);
}
