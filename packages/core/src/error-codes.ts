// Every error code of vzferry, here and only here: what a person reads when
// the code needs no more words, whether trying again may work, and what kind
// of problem it is. The API edge turns the kind into an HTTP status
// (apps/web), the engine reads `retryable` to decide on an automatic retry
// (packages/pipeline), and the UI shows the server's message.
//
// Kinds: invalid (the input is wrong), rejected (well-formed input refused by
// a rule, e.g. a CSV row), unsupported (a body of a type the route does not
// take), unauthenticated (no valid sign-in), forbidden (signed in, but the
// role or the request's origin does not allow it), not_found, conflict (the
// object's state does not allow it now), too_large, rate_limited (too many
// tries, wait), unavailable (a service we depend on did not answer), failed
// (work that did not succeed), internal (a bug).
export type ErrorKind =
  | 'invalid'
  | 'rejected'
  | 'unsupported'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'failed'
  | 'internal';

export interface ErrorSpec {
  kind: ErrorKind;
  /** the sentence a person reads when the error carries no message of its own */
  message: string;
  /** trying the same thing again later may succeed (network, time-out, a busy service) */
  retryable: boolean;
}

const spec = (kind: ErrorKind, message: string, retryable = false): ErrorSpec => ({ kind, message, retryable });

export const ERROR_CODES = {
  // ------------------------------------------------------------ requests
  invalid_input: spec('invalid', 'The input is not valid'),
  invalid_json: spec('invalid', 'The request body is not JSON'),
  too_large: spec('too_large', 'The request is too large'),
  not_found: spec('not_found', 'It does not exist'),
  internal: spec('internal', 'Internal error; see the server log'),
  unsupported_media_type: spec('unsupported', 'The request body is not of the type this request takes'),
  cross_site_request: spec('forbidden', 'The request came from another site'),

  // ------------------------------------------------------------ sign-in and users
  unauthenticated: spec('unauthenticated', 'Sign in first'),
  forbidden: spec('forbidden', 'Your role does not allow this'),
  sign_in_failed: spec('unauthenticated', 'Wrong e-mail or password'),
  account_locked: spec('rate_limited', 'Too many failed sign-ins: the account is locked for a while'),
  too_many_sign_ins: spec('rate_limited', 'Too many failed sign-ins from this address: wait a few minutes'),
  account_disabled: spec('forbidden', 'This account is disabled'),
  password_rejected: spec('invalid', 'The password is not acceptable'),
  user_exists: spec('conflict', 'A user with this e-mail exists already'),
  setup_done: spec('conflict', 'vzferry is set up already: sign in'),
  setup_link_invalid: spec('invalid', 'The setup link is wrong or has expired; restart the web app for a new one'),
  last_admin: spec('conflict', 'The last admin cannot lose the role or be disabled'),

  // ------------------------------------------------------------ inventory and settings
  host_exists: spec('conflict', 'A source host with this name exists already'),
  host_key_not_accepted: spec('conflict', 'The SSH host key of the source host is not accepted yet'),
  host_key_not_pending: spec('conflict', 'No host key is waiting for acceptance'),
  inventory_invalid: spec('rejected', 'The inventory was not imported, nothing changed'),
  customers_invalid: spec('rejected', 'The customer file was not imported, nothing changed'),
  secret_required: spec('invalid', 'The secret key is required'),
  cloudstack_not_configured: spec('conflict', 'CloudStack is not set up: fill in Settings > CloudStack connection'),
  /** a change that removes saved data (mappings) without the request saying so */
  confirmation_required: spec('conflict', 'This removes saved data: confirm the removal and send it again'),

  // ------------------------------------------------------------ batches and runs
  batch_invalid: spec('conflict', 'The batch cannot hold these containers'),
  batch_name_taken: spec('conflict', 'A batch with this name exists already'),
  batch_too_big: spec('invalid', 'The batch holds too many containers'),
  batch_state: spec('conflict', 'The batch is not in a state that allows this'),
  run_state: spec('conflict', 'The run is not in a state that allows this'),
  /** the dry run of preflight needs a converter box to run its checks on */
  no_box_online: spec('unavailable', 'No converter box is online: start a worker, then try again', true),
  /** not an error: why a queued run has not started (shown on the batch page) */
  waiting_for_capacity: spec('conflict', 'Waiting for capacity'),
  /** a converter box went silent while it held the run */
  box_lost: spec('failed', 'The converter box stopped while it held the run', true),
  /** a work disk's file system outlives its umount because another mount namespace holds a copy of the mount */
  work_disk_busy: spec('unavailable', 'The work disk is still in use after it was unmounted', true),
  /** after a guest job the work disk's file system has damage e2fsck may not repair by itself: not mounted on the box */
  work_disk_damaged: spec('failed', "The work disk's file system is damaged after the guest's job"),
  /**
   * the box's own file system under WORKER_WORK_DIR ran out of space: the run's sparse work disk could not
   * grow and lost writes; trying again helps only once space is freed
   */
  box_disk_full: spec('unavailable', "The converter box's work directory is full: free space on the box, then Retry"),
  /** a run whose failure left no code of its own (rows written before the catalogue) */
  failed: spec('failed', 'The stage failed'),

  // ------------------------------------------------------------ commands and services
  command_failed: spec('failed', 'A command failed'),
  command_timeout: spec('failed', 'A command timed out', true),
  network_error: spec('unavailable', 'A network connection failed', true),
  /** PostgreSQL restarted or away while a stage wrote or read it: the stage is tried again once it answers */
  database_unavailable: spec('unavailable', 'The database did not answer (restarted or unreachable)', true),
  source_unreachable: spec('unavailable', 'The source host does not answer over SSH', true),
  source_refused: spec('failed', 'The source host refused the SSH connection (key or authentication)'),
  cloudstack_unavailable: spec('unavailable', 'CloudStack did not answer', true),
  cloudstack_error: spec('failed', 'CloudStack refused the request'),
  rsync_interrupted: spec('unavailable', 'rsync was interrupted (connection or time-out)', true),
  rsync_failed: spec('failed', 'rsync failed'),

  // ------------------------------------------------------------ stages
  preflight_failed: spec('failed', 'Preflight checks failed'),
  os_unknown: spec('failed', 'The container has no known OS template'),
  os_unsupported: spec('failed', 'The guest OS is not supported'),
  guest_path: spec(
    'failed',
    'A path in the guest cannot be used safely (a link loop, a file too large, not a directory)',
  ),
  no_quota: spec('failed', 'The container has no disk quota in the inventory; import it again'),
  network_unmapped: spec('failed', 'An IP of the container maps to no CloudStack network'),
  mapping_missing: spec('failed', 'A service offering or OS type mapping is missing'),
  no_plan: spec('failed', 'The run has no conversion plan; retry from backup_config'),
  image_missing: spec('failed', 'convert_image left no image'),
  no_template_server: spec('failed', 'The converter box has no template server URL'),
  template_download_failed: spec('failed', 'CloudStack could not download the template'),
  template_download_not_started: spec('failed', "CloudStack's secondary storage did not start the template download"),
  template_missing: spec('failed', 'No registered template of the current image is ready'),
  download_slot_timeout: spec('failed', 'No secondary storage download slot came free in time'),
  boot_iso_missing: spec('failed', 'There is no boot ISO for grub-legacy guests'),
  boot_iso_download: spec('failed', 'CloudStack could not download the boot ISO'),
  boot_packages_missing: spec(
    'failed',
    'The guest lacks a kernel or boot loader package; prepare_source installs them in the running container',
  ),
  boot_iso_timeout: spec('failed', 'The boot ISO did not call back in time'),
  boot_job_failed: spec('failed', "The boot ISO's job failed"),
  delta_server_missing: spec('failed', 'The converter box runs no delta server for a staged cutover'),
  staging_boot_timeout: spec('failed', "The staged VM's first start (its root volume) did not end in time"),
  vm_missing: spec('failed', 'The VM is not in CloudStack'),
  vm_failed: spec('failed', 'The VM did not reach Running'),
  nic_missing: spec('failed', 'The VM lacks a NIC on a mapped network'),
  verify_timeout: spec('failed', "The VM's IPs did not answer in time"),
  vm_stop_failed: spec(
    'failed',
    'The VM could not be stopped: the source container stays stopped; stop the VM by hand, then Retry or Cancel',
  ),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** The catalogue's entry; a code read back from the database that is not (or no longer) in it is a plain failure. */
export function errorSpec(code: string): ErrorSpec {
  return isErrorCode(code) ? ERROR_CODES[code] : ERROR_CODES.failed;
}
