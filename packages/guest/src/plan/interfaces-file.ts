// ifupdown's /etc/network/interfaces of a container, read as interfaces(5)
// does (an option line belongs to the iface stanza above it; auto, allow-*,
// source and mapping lines end it), split into what vzctl wrote for venet0
// (dropped) and what the customer wrote (kept in place): interfaces.head and
// .tail, custom stanzas, and options the customer added to venet0's stanzas
// (interfaces.tail's option lines land there), which move to the VM's NIC.
import { isVenetDevice, isVzctlStanzaComment, isVzctlVenetOption, VZCTL_INTERFACES_HEADER } from './venet';

export interface InterfacesFile {
  /** the customer's lines in order; null marks where venet0's stanzas were */
  kept: Array<string | null>;
  /** options the customer added to venet0's stanzas, by family */
  moved: { inet: string[]; inet6: string[] };
  /** whether a loopback stanza is among the kept lines */
  hasLo: boolean;
  /** line numbers (0-based) of vzctl's own lines: not listed in the run's diff */
  venetLines: Set<number>;
}

const ENDS_STANZA = /^(auto|allow-\S+|source|source-directory|no-auto-down|no-scripts|rename)(\s|$)/;

/**
 * `replaced`: the devices the VM's own stanzas define (eth0, ...): a stanza
 * the customer had for one of them (a container on veth) is dropped too, but
 * as the customer's, so the run's diff lists it.
 */
export function readInterfaces(content: string, replaced: readonly string[] = []): InterfacesFile {
  const lines = content.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: InterfacesFile = { kept: [], moved: { inet: [], inet6: [] }, hasLo: false, venetLines: new Set() };
  const headerLength = VZCTL_INTERFACES_HEADER.every((h, i) => lines[i] === h) ? VZCTL_INTERFACES_HEADER.length : 0;
  let stanza: { owner: 'venet' | 'replaced' | 'customer'; family: 'inet' | 'inet6' } | null = null;
  let marked = false;
  const ownerOf = (name: string) =>
    isVenetDevice(name) ? 'venet' : replaced.includes(name) ? 'replaced' : ('customer' as const);
  const drop = (i: number, venet = true) => {
    if (venet) out.venetLines.add(i);
    if (!marked) {
      out.kept.push(null);
      marked = true;
    }
  };
  lines.forEach((line, i) => {
    const words = line.trim().split(/\s+/);
    if (i < headerLength) out.venetLines.add(i);
    else if (line.trim() === '' || line.trim().startsWith('#')) {
      if (isVzctlStanzaComment(line)) {
        out.venetLines.add(i);
        if (line.includes('venet0')) drop(i);
      } else out.kept.push(line);
    } else if (words[0] === 'iface' || words[0] === 'mapping') {
      const owner = ownerOf(words[1] ?? '');
      stanza = { owner, family: words[2] === 'inet6' ? 'inet6' : 'inet' };
      if (owner !== 'customer') drop(i, owner === 'venet');
      else {
        if (words[1] === 'lo') out.hasLo = true;
        out.kept.push(line);
      }
    } else if (ENDS_STANZA.test(line.trim())) {
      stanza = null;
      const names = words.slice(1);
      const rest = names.filter((n) => ownerOf(n) === 'customer');
      if (words[0]!.startsWith('auto') || words[0]!.startsWith('allow-')) {
        if (rest.length === names.length) out.kept.push(line);
        else if (rest.length === 0) drop(i, names.every(isVenetDevice));
        else out.kept.push(`${words[0]} ${rest.join(' ')}`);
      } else out.kept.push(line);
    } else if (stanza?.owner === 'venet') {
      if (isVzctlVenetOption(line) || /^(address|netmask)\s/.test(line.trim())) out.venetLines.add(i);
      else out.moved[stanza.family].push(line);
    } else if (stanza?.owner !== 'replaced') out.kept.push(line);
  });
  return out;
}

/**
 * The file again, with the VM's stanzas (and a loopback stanza when the
 * customer's lines have none) where venet0's were: blank lines collapsed to
 * one, none at either end.
 */
export function writeInterfaces(header: string, file: InterfacesFile, nicStanzas: string[]): string {
  const block = ['', ...(file.hasLo ? [] : ['auto lo', 'iface lo inet loopback', '']), ...nicStanzas, ''];
  const at = file.kept.indexOf(null);
  const kept = at === -1 ? [...file.kept, null] : file.kept;
  const lines = kept.flatMap((l) => (l === null ? block : [l]));
  const collapsed = lines.filter((l, i) => l.trim() !== '' || (i > 0 && lines[i - 1]!.trim() !== ''));
  while (collapsed.length && collapsed[0]!.trim() === '') collapsed.shift();
  while (collapsed.length && collapsed.at(-1)!.trim() === '') collapsed.pop();
  return `${[header, '', ...collapsed].join('\n')}\n`;
}
