// `npm run lab`: builds (once) and runs the lab until Ctrl-C.
//   --dir <path>          lab state (default $LAB_DIR or .lab)
//   --reset               delete the lab's state and build it again
//   --hosts N             simulated hypervisors (default 3)
//   --containers N        containers over all hypervisors (default 200)
//   --no-debian12         leave out the real Debian 12 container
//   --no-hostile          leave out the hostile container (CTID 999 on hv1, apps/lab/src/openvz/hostile.ts)
//   --hostile-canary D    the directory its links lead to (default <dir>/hostile-canary, made by the lab)
//   --ssh-port P          first hypervisor's SSH port (default 2201)
//   --cloudstack-port P   the CloudStack simulator's port (default 8080)
//   --no-vm-network       the deployed VMs' IPs do not answer pings (default: they do, when run as root)
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '@vzferry/core';
import { startLab } from './index';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: process.env.LAB_DIR ?? '.lab' },
    reset: { type: 'boolean', default: false },
    hosts: { type: 'string', default: '3' },
    containers: { type: 'string', default: '200' },
    'no-debian12': { type: 'boolean', default: false },
    'no-hostile': { type: 'boolean', default: false },
    'hostile-canary': { type: 'string' },
    'ssh-port': { type: 'string', default: '2201' },
    'cloudstack-port': { type: 'string', default: '8080' },
    'no-vm-network': { type: 'boolean', default: false },
  },
});

const int = (name: string, v: string, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${v}`);
  return n;
};

try {
  const lab = await startLab({
    dir: values.dir,
    reset: values.reset,
    hosts: int('hosts', values.hosts, 1),
    containers: int('containers', values.containers, 1),
    debian12: !values['no-debian12'],
    hostile: !values['no-hostile'],
    hostileCanary: values['hostile-canary'] && path.resolve(values['hostile-canary']),
    sshPort: int('ssh-port', values['ssh-port'], 0),
    cloudstackPort: int('cloudstack-port', values['cloudstack-port'], 0),
    // a network namespace and host routes: root only; without it the pipeline's verify stage waits in vain
    vmNetwork: !values['no-vm-network'] && process.getuid?.() === 0,
    log: (l) => console.log(l),
  });
  for (const h of lab.manifest.hypervisors) {
    console.log(
      `${h.name}: ssh -i ${h.privateKeyPath} -p ${h.port} root@${h.address}  (${h.containers} containers, ${h.hostKeyFingerprint})`,
    );
  }
  if (lab.cloudstack) console.log(`CloudStack: ${lab.cloudstack.endpoint} (API key ${lab.cloudstack.apiKey})`);
  console.log(`lab ready; manifest in ${values.dir}/manifest.json`);
  const stop = async (signal: string) => {
    console.log(`${signal}: stopping the lab`);
    await lab.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  console.error(`lab: ${errorMessage(err)}`);
  process.exit(1);
}
