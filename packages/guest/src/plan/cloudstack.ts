// CloudStack's password and SSH-key reset for the converted guest. Our own
// small scripts speak the virtual router's protocol (apache/cloudstack
// setup/bindir/cloud-set-guest-password.in, cloud-set-guest-sshkey.in): ask
// the router (the DHCP server, else the default gateway) on port 8080 with
// the header "DomU_Request: send_my_password", set the answer as root's
// password and confirm with "DomU_Request: saved_password"; public keys come
// from http://<router>/latest/meta-data/public-keys. bash's /dev/tcp does
// the HTTP, so no curl or wget is needed in any guest.
import type { DetectedOs } from '../detect';
import type { GuestFiles } from '../guest-files';
import { withoutTrailingNewlines } from '../guest-text';
import { ENABLED_UNITS, HEADER, type FileWrite, type PlanCommand } from './types';

export interface CloudStackChanges {
  write: FileWrite[];
  commands: PlanCommand[];
}

const ROUTERS = `routers() {
  for f in /var/lib/dhclient/*.lease* /var/lib/dhcp/dhclient*.lease* /var/lib/dhcp3/dhclient*.lease* /run/systemd/netif/leases/*; do
    [ -f "$f" ] && sed -n 's/.*dhcp-server-identifier \\([0-9.]*\\).*/\\1/p; s/^SERVER_ADDRESS=\\([0-9.]*\\)/\\1/p' "$f"
  done
  ip route show default 2>/dev/null | sed -n 's/^default via \\([0-9.]*\\).*/\\1/p'
}
# GET <host> <port> <path> <DomU_Request or ""> -> the body on stdout
http_get() {
  exec 3<>"/dev/tcp/$1/$2" || return 1
  if [ -n "$4" ]; then
    printf 'GET %s HTTP/1.0\\r\\nHost: %s\\r\\nDomU_Request: %s\\r\\n\\r\\n' "$3" "$1" "$4" >&3
  else
    printf 'GET %s HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n' "$3" "$1" >&3
  fi
  sed '1,/^\\r\\{0,1\\}$/d' <&3
  exec 3<&-
}
`;

const PASSWORD = `#!/bin/bash
# ${HEADER}
# CloudStack password reset: see the header of packages/guest/src/plan/cloudstack.ts
${ROUTERS}
for r in $(routers | sort -u); do
  pw=$(http_get "$r" 8080 / send_my_password 2>/dev/null | tr -d '\\r\\n ')
  case "$pw" in
    ""|bad_request|saved_password) continue ;;
  esac
  echo "root:$pw" | chpasswd && http_get "$r" 8080 / saved_password >/dev/null 2>&1
  logger -t cloud "password of root set from the CloudStack router $r"
  exit 0
done
exit 0
`;

const SSHKEY = `#!/bin/bash
# ${HEADER}
# CloudStack SSH key reset: the router's meta-data public key goes into root's authorized_keys
${ROUTERS}
for r in $(routers | sort -u); do
  key=$(http_get "$r" 80 /latest/meta-data/public-keys "" 2>/dev/null | tr -d '\\r')
  case "$key" in ssh-*|ecdsa-*) ;; *) continue ;; esac
  mkdir -p /root/.ssh && chmod 700 /root/.ssh
  grep -qxF "$key" /root/.ssh/authorized_keys 2>/dev/null || echo "$key" >> /root/.ssh/authorized_keys
  chmod 600 /root/.ssh/authorized_keys
  exit 0
done
exit 0
`;

const unit = (name: string, what: string) => `# ${HEADER}
[Unit]
Description=CloudStack ${what}
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/${name}
RemainAfterExit=yes

[Install]
WantedBy=multi-user.target
`;

export function cloudstackChanges(os: DetectedOs, files: GuestFiles): CloudStackChanges {
  const write: FileWrite[] = [
    { path: '/usr/local/sbin/cloud-set-guest-password', content: PASSWORD, mode: 0o755 },
    { path: '/usr/local/sbin/cloud-set-guest-sshkey', content: SSHKEY, mode: 0o755 },
  ];
  if (os.init === 'systemd') {
    write.push({
      path: '/etc/systemd/system/cloud-set-guest-password.service',
      content: unit('cloud-set-guest-password', 'password reset'),
      mode: 0o644,
    });
    write.push({
      path: '/etc/systemd/system/cloud-set-guest-sshkey.service',
      content: unit('cloud-set-guest-sshkey', 'SSH key reset'),
      mode: 0o644,
    });
    return {
      write,
      commands: [
        {
          argv: ['systemctl', 'enable', ...ENABLED_UNITS.cloudstack],
          why: 'CloudStack password and SSH-key reset at boot',
        },
      ],
    };
  }
  // sysvinit and upstart: rc.local runs last in every runlevel
  const rcLocal = os.family === 'redhat' ? '/etc/rc.d/rc.local' : '/etc/rc.local';
  const lines = withoutTrailingNewlines(files.read(rcLocal) ?? '#!/bin/sh\n')
    .split('\n')
    .filter((l) => !l.includes('cloud-set-guest-'));
  const at = lines.findIndex((l) => /^\s*exit 0\s*$/.test(l));
  const add = ['/usr/local/sbin/cloud-set-guest-password &', '/usr/local/sbin/cloud-set-guest-sshkey &'];
  if (at >= 0) lines.splice(at, 0, ...add);
  else lines.push(...add);
  write.push({ path: rcLocal, content: `${lines.join('\n')}\n`, mode: 0o755 });
  return { write, commands: [] };
}
