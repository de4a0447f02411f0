// Objects as the management server serializes them (field names:
// api/.../response/*Response.java; Gson leaves out null fields, as
// JSON.stringify leaves out undefined ones).
import type { Simulator } from './simulator';
import type { LabImageStore, LabNetwork, LabNic, LabTemplate, LabVm } from './state';
import { netmaskOf } from './ip-math';

/** A list answer: {count, <key>: [...]}, or {} when empty (ApiResponseSerializer). */
export function listAnswer(key: string, items: unknown[], count = items.length): Record<string, unknown> {
  return items.length === 0 ? {} : { count, [key]: items };
}

export function zoneResponse(sim: Simulator): Record<string, unknown> {
  const z = sim.state.zone;
  return {
    id: z.id,
    name: z.name,
    dns1: z.dns1,
    dns2: z.dns2,
    internaldns1: z.internaldns1,
    guestcidraddress: z.guestcidraddress,
    networktype: 'Advanced',
    securitygroupsenabled: false,
    allocationstate: 'Enabled',
    zonetoken: z.id,
    dhcpprovider: 'VirtualRouter',
    localstorageenabled: false,
    tags: [],
    hasannotations: false,
    type: 'Core',
  };
}

export function networkResponse(sim: Simulator, n: LabNetwork): Record<string, unknown> {
  return {
    id: n.id,
    name: n.name,
    displaytext: n.displaytext,
    broadcastdomaintype: 'Vlan',
    traffictype: 'Guest',
    gateway: n.gateway,
    netmask: netmaskOf(n.cidr),
    cidr: n.cidr,
    zoneid: sim.state.zone.id,
    zonename: sim.state.zone.name,
    networkofferingname: 'DefaultSharedNetworkOffering',
    networkofferingdisplaytext: 'Offering for Shared networks',
    networkofferingconservemode: true,
    networkofferingavailability: 'Optional',
    issystem: false,
    state: 'Setup',
    related: n.id,
    broadcasturi: `vlan://${n.vlan}`,
    dns1: sim.state.zone.dns1,
    dns2: sim.state.zone.dns2,
    type: 'Shared',
    vlan: n.vlan,
    acltype: 'Domain',
    subdomainaccess: true,
    domainid: sim.state.domain.id,
    domain: sim.state.domain.name,
    service: [{ name: 'Dhcp' }, { name: 'Dns' }, { name: 'UserData' }],
    networkdomain: 'cs1cloud.internal',
    physicalnetworkid: sim.state.zone.id,
    restartrequired: false,
    specifyipranges: true,
    canusefordeploy: true,
    ispersistent: false,
    tags: [],
    displaynetwork: true,
    ...(n.ip6cidr ? { ip6cidr: n.ip6cidr, ip6gateway: n.ip6gateway } : {}),
  };
}

export function templateStatus(t: LabTemplate): string {
  // TemplateJoinDaoImpl.getTemplateStatus over the first template_store_ref row
  const ref = t.storeRefs[0];
  if (!ref) return 'Active';
  if (ref.downloadState === 'DOWNLOADED') return 'Download Complete';
  if (ref.downloadState === 'DOWNLOAD_IN_PROGRESS')
    return ref.downloadPercent === 100 ? 'Installing Template' : `${ref.downloadPercent}% Downloaded`;
  return ref.errorString ?? 'Active';
}

export function templateResponse(sim: Simulator, t: LabTemplate): Record<string, unknown> {
  const ref = t.storeRefs[0];
  const os = sim.state.osTypes.find((o) => o.id === t.ostypeid);
  const stores = new Map(sim.state.imageStores.map((s) => [s.id, s]));
  return {
    id: t.id,
    name: t.name,
    displaytext: t.displaytext,
    ispublic: t.ispublic,
    created: t.created,
    isready: ref?.state === 'Ready',
    passwordenabled: t.passwordenabled,
    format: t.format,
    isfeatured: t.isfeatured,
    crossZones: false,
    ostypeid: t.ostypeid,
    ostypename: os?.description,
    account: 'admin',
    accountid: t.accountId,
    zoneid: sim.state.zone.id,
    zonename: sim.state.zone.name,
    status: templateStatus(t),
    size: ref && ref.size > 0 ? ref.size : undefined,
    physicalsize: ref && ref.physicalSize > 0 ? ref.physicalSize : undefined,
    templatetype: 'USER',
    hypervisor: t.kind === 'iso' ? undefined : t.hypervisor,
    domain: sim.state.domain.name,
    domainid: sim.state.domain.id,
    isextractable: t.isextractable,
    checksum: t.checksum ?? undefined,
    details: t.kind === 'iso' ? undefined : t.details,
    downloaddetails: t.storeRefs.map((r) => ({
      datastore: stores.get(r.storeId)?.name,
      downloadPercent: String(r.downloadPercent),
      downloadState: r.downloadState,
    })),
    bits: 64,
    sshkeyenabled: t.sshkeyenabled,
    isdynamicallyscalable: t.isdynamicallyscalable,
    directdownload: t.directdownload,
    deployasis: false,
    requireshvm: t.requireshvm,
    bootable: t.kind === 'iso' ? t.bootable : undefined,
    url: t.url,
    tags: [],
  };
}

export function imageStoreResponse(sim: Simulator, s: LabImageStore): Record<string, unknown> {
  return {
    id: s.id,
    zoneid: sim.state.zone.id,
    zonename: sim.state.zone.name,
    name: s.name,
    url: s.url,
    protocol: 'nfs',
    providername: 'NFS',
    scope: 'ZONE',
    readonly: s.readonly,
    disksizetotal: s.totalBytes,
    disksizeused: sim.storage.usedBytes(s),
    hasannotations: false,
  };
}

export function nicResponse(sim: Simulator, vm: LabVm, nic: LabNic, withVmId: boolean): Record<string, unknown> {
  const net = sim.state.networks.find((n) => n.id === nic.networkid);
  return {
    id: nic.id,
    networkid: nic.networkid,
    networkname: net?.name,
    netmask: net ? netmaskOf(net.cidr) : undefined,
    gateway: net?.gateway,
    ipaddress: nic.ipaddress,
    isolationuri: net ? `vlan://${net.vlan}` : undefined,
    broadcasturi: net ? `vlan://${net.vlan}` : undefined,
    traffictype: 'Guest',
    type: 'Shared',
    isdefault: nic.isdefault,
    macaddress: nic.macaddress,
    deviceid: String(nic.deviceid),
    ...(nic.ip6address ? { ip6address: nic.ip6address, ip6cidr: net?.ip6cidr, ip6gateway: net?.ip6gateway } : {}),
    secondaryip: nic.secondaryips.map((s) => ({ id: s.id, ipaddress: s.ipaddress })),
    extradhcpoption: [],
    ...(withVmId ? { virtualmachineid: vm.id } : {}),
  };
}

export function vmResponse(sim: Simulator, vm: LabVm): Record<string, unknown> {
  const offering = sim.state.serviceOfferings.find((o) => o.id === vm.serviceofferingid);
  const template = sim.state.templates.find((t) => t.id === vm.templateid);
  const iso = vm.isoid ? sim.state.templates.find((t) => t.id === vm.isoid) : undefined;
  const os = sim.state.osTypes.find((o) => o.id === vm.ostypeid);
  const running = vm.state === 'Running';
  return {
    id: vm.id,
    name: vm.name,
    displayname: vm.displayname,
    account: 'admin',
    userid: sim.state.users[0]?.id,
    username: 'admin',
    domainid: sim.state.domain.id,
    domain: sim.state.domain.name,
    created: vm.created,
    state: vm.state,
    haenable: false,
    zoneid: vm.zoneid,
    zonename: sim.state.zone.name,
    ...(running ? { hostid: sim.state.zone.id, hostname: 'lab-kvm-host1' } : {}),
    templateid: vm.templateid,
    templatename: template?.name,
    templatedisplaytext: template?.displaytext,
    passwordenabled: template?.passwordenabled ?? false,
    ...(iso ? { isoid: iso.id, isoname: iso.name, isodisplaytext: iso.displaytext } : {}),
    serviceofferingid: vm.serviceofferingid,
    serviceofferingname: offering?.name,
    cpunumber: offering?.cpunumber,
    cpuspeed: offering?.cpuspeed,
    memory: offering?.memory,
    guestosid: vm.ostypeid,
    ostypeid: vm.ostypeid,
    osdisplayname: os?.description,
    rootdeviceid: 0,
    rootdevicetype: 'ROOT',
    securitygroup: [],
    nic: vm.nics.map((n) => nicResponse(sim, vm, n, false)),
    hypervisor: 'KVM',
    instancename: `i-2-${vm.dbId}-VM`,
    details: {},
    affinitygroup: [],
    displayvm: true,
    isdynamicallyscalable: false,
    bootmode: 'legacy',
    boottype: 'Bios',
    tags: [],
  };
}
