// The files of a simulated hypervisor and its containers, as text: the
// container config vzctl writes (like test/samples/openvz/101.conf), and
// inside each guest the release files of its OS and the venet0 network
// config OpenVZ's dist scripts write (kolyshkin/vzctl
// etc/dists/scripts/redhat-add_ip.sh, debian-add_ip.sh; docs/platforms.md,
// "What OpenVZ writes inside a container").
import { isIPv6 } from 'node:net';
import type { ContainerPlan, OsSpec } from './plan';

const GPL_HEADER = `#  Copyright (C) 2000-2011, Parallels, Inc. All rights reserved.
#
#  This program is free software; you can redistribute it and/or modify
#  it under the terms of the GNU General Public License as published by
#  the Free Software Foundation; either version 2 of the License, or
#  (at your option) any later version.
#
#  This program is distributed in the hope that it will be useful,
#  but WITHOUT ANY WARRANTY; without even the implied warranty of
#  MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
#  GNU General Public License for more details.
#
#  You should have received a copy of the GNU General Public License
#  along with this program; if not, write to the Free Software
#  Foundation, Inc., 59 Temple Place, Suite 330, Boston, MA  02111-1307  USA
#
`;

/** /etc/vz/conf/<CTID>.conf of a vswap container made from a vswap sample. */
export function containerConfig(ct: ContainerPlan): string {
  const diskKb = ct.diskGb * 1024 * 1024;
  const lines = [
    GPL_HEADER,
    '# This config is only valid for decent VSwap-enabled kernel',
    '# (version 042stab042 or later).',
    '',
    '# RAM',
    `PHYSPAGES="0:${ct.ramMb}M"`,
    '',
    '# Swap',
    `SWAPPAGES="0:${ct.swapMb}M"`,
    '',
    '# Disk quota parameters (in form of softlimit:hardlimit)',
    `DISKSPACE="${diskKb}:${diskKb}"`,
    `DISKINODES="${ct.diskGb * 65536}:${ct.diskGb * 65536}"`,
    'QUOTATIME="0"',
    '',
    '# CPU fair scheduler parameter',
    'CPUUNITS="1000"',
    '',
    'NETFILTER="stateless"',
    'VE_ROOT="/vz/root/$VEID"',
    'VE_PRIVATE="/vz/private/$VEID"',
    `OSTEMPLATE="${ct.os.template}"`,
    `ORIGIN_SAMPLE="vswap-${ct.ramMb >= 1024 ? `${ct.ramMb / 1024}g` : `${ct.ramMb}m`}"`,
    'VE_LAYOUT="simfs"',
    `ONBOOT="${ct.onboot ? 'yes' : 'no'}"`,
    `CPUS="${ct.cpus}"`,
    `IP_ADDRESS="${ct.ips.join(' ')}"`,
    `HOSTNAME="${ct.hostname}"`,
    'NAMESERVER="8.8.8.8 8.8.4.4"',
  ];
  if (ct.nic) {
    const n = ct.nic;
    lines.push(
      `NETIF="ifname=${n.ifname},mac=${n.mac},host_ifname=${n.hostIfname},host_mac=${n.hostMac},bridge=${n.bridge}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** /etc/vz/vz.conf of the lab hosts (the parts vzctl and our importer read). */
export const VZ_CONF = `## Global parameters
VIRTUOZZO=yes
LOCKDIR=/vz/lock
DUMPDIR=/vz/dump
VE0CPUUNITS=1000

## Logging parameters
LOGGING=yes
LOGFILE=/var/log/vzctl.log
LOG_LEVEL=0
VERBOSE=0

## Disk quota parameters
DISK_QUOTA=yes

## Template parameters
TEMPLATE=/vz/template

## Defaults for containers
VE_ROOT=/vz/root/$VEID
VE_PRIVATE=/vz/private/$VEID
CONFIGFILE="vswap-1g"
DEF_OSTEMPLATE="centos-6-x86_64"
VE_LAYOUT=simfs
IPV6="yes"
`;

/** The release files a guest of this OS carries (path -> content). */
export function releaseFiles(os: OsSpec): Record<string, string> {
  const [major] = os.version.split('.');
  switch (os.distribution) {
    case 'centos': {
      const release =
        major === '7' ? `CentOS Linux release ${os.version} (Core)\n` : `CentOS release ${os.version} (Final)\n`;
      const files: Record<string, string> = {
        'etc/redhat-release': release,
        'etc/centos-release': release,
        'etc/system-release': release,
      };
      if (major === '7') {
        files['etc/os-release'] =
          'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\nANSI_COLOR="0;31"\nCPE_NAME="cpe:/o:centos:centos:7"\nHOME_URL="https://www.centos.org/"\n';
      }
      if (major === '5') delete files['etc/centos-release'];
      return files;
    }
    case 'ubuntu': {
      const names: Record<string, [string, string]> = {
        '14.04': ['trusty', 'Trusty Tahr'],
        '16.04': ['xenial', 'Xenial Xerus'],
        '18.04': ['bionic', 'Bionic Beaver'],
      };
      const [code, name] = names[os.version]!;
      const point = { '14.04': '14.04.6', '16.04': '16.04.7', '18.04': '18.04.6' }[os.version]!;
      return {
        'etc/lsb-release': `DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=${os.version}\nDISTRIB_CODENAME=${code}\nDISTRIB_DESCRIPTION="Ubuntu ${point} LTS"\n`,
        'etc/os-release': `NAME="Ubuntu"\nVERSION="${point} LTS (${name})"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu ${point} LTS"\nVERSION_ID="${os.version}"\nVERSION_CODENAME=${code}\nUBUNTU_CODENAME=${code}\n`,
        'etc/debian_version': { '14.04': 'jessie/sid\n', '16.04': 'stretch/sid\n', '18.04': 'buster/sid\n' }[
          os.version
        ]!,
      };
    }
    case 'debian': {
      const code = { '7': 'wheezy', '8': 'jessie', '9': 'stretch', '12': 'bookworm' }[major!]!;
      return {
        'etc/debian_version': `${os.version}\n`,
        'etc/os-release': `PRETTY_NAME="Debian GNU/Linux ${major} (${code})"\nNAME="Debian GNU/Linux"\nVERSION_ID="${major}"\nVERSION="${major} (${code})"\nVERSION_CODENAME=${code}\nID=debian\nHOME_URL="https://www.debian.org/"\n`,
      };
    }
  }
}

const v4 = (ips: string[]) => ips.filter((ip) => !isIPv6(ip));
const v6 = (ips: string[]) => ips.filter((ip) => isIPv6(ip));

/** What OpenVZ's dist scripts leave in a guest for its venet0 addresses. */
export function networkFiles(ct: ContainerPlan): Record<string, string> {
  return ct.os.family === 'redhat' ? redhatNetwork(ct) : debianNetwork(ct);
}

function redhatNetwork(ct: ContainerPlan): Record<string, string> {
  const six = v6(ct.ips);
  const files: Record<string, string> = {
    'etc/sysconfig/network': `NETWORKING="yes"\nGATEWAYDEV="venet0"\n${six.length ? 'NETWORKING_IPV6="yes"\nIPV6_DEFAULTDEV="venet0"\n' : ''}HOSTNAME="${ct.hostname}"\n`,
    'etc/sysconfig/network-scripts/ifcfg-venet0':
      'DEVICE=venet0\nBOOTPROTO=static\nONBOOT=yes\nARPCHECK="no"\nIPADDR=127.0.0.1\nNETMASK=255.255.255.255\nBROADCAST=0.0.0.0\n' +
      (six.length
        ? `ARPCHECK="no"\nIPV6INIT="yes"\nIPV6ADDR_SECONDARIES="${six.map((ip) => `${ip}/128`).join(' ')}"\n`
        : ''),
    'etc/sysconfig/network-scripts/route-venet0': '169.254.0.0/16 dev venet0\n',
  };
  v4(ct.ips).forEach((ip, i) => {
    files[`etc/sysconfig/network-scripts/ifcfg-venet0:${i}`] =
      `DEVICE=venet0:${i}\nONBOOT=yes\nARPCHECK="no"\nIPADDR=${ip}\nNETMASK=255.255.255.255\n`;
  });
  return files;
}

function debianNetwork(ct: ContainerPlan): Record<string, string> {
  const six = v6(ct.ips);
  let text = `# This configuration file is auto-generated.
#
# WARNING: Do not edit this file, your changes will be lost.
# Please create/edit /etc/network/interfaces.head and
# /etc/network/interfaces.tail instead, their contents will be
# inserted at the beginning and at the end of this file, respectively.
#
# NOTE: it is NOT guaranteed that the contents of /etc/network/interfaces.tail
# will be at the very end of this file.
#

# Auto generated lo interface
auto lo
iface lo inet loopback

# Auto generated venet0 interface
auto venet0
iface venet0 inet manual
\tup ifconfig venet0 up
\tup ifconfig venet0 127.0.0.2
\tup route add default dev venet0
\tdown route del default dev venet0
\tdown ifconfig venet0 down

`;
  if (six.length) {
    text += `\niface venet0 inet6 manual\n${six.map((ip) => `\tup ifconfig venet0 add ${ip}/128\n\tdown ifconfig venet0 del ${ip}/128\n`).join('')}\tup route -A inet6 add default dev venet0\n\tdown route -A inet6 del default dev venet0\n`;
  }
  v4(ct.ips).forEach((ip, i) => {
    text += `\nauto venet0:${i}\niface venet0:${i} inet static\n\taddress ${ip}\n\tnetmask 255.255.255.255\n`;
  });
  return { 'etc/network/interfaces': text, 'etc/hostname': `${ct.hostname}\n` };
}
