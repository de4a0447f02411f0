import { describe, expect, it } from 'vitest';
import { vlanOfBridge } from './apply-inventory';

describe('vlanOfBridge', () => {
  it('reads the VLAN from the common bridge names and nothing from the others', () => {
    expect(['br210', 'vmbr220', 'vlan30', 'br0.210', 'eth1.4094'].map(vlanOfBridge)).toEqual([210, 220, 30, 210, 4094]);
    expect(['br0', 'vmbr1', 'virbr0', 'eth1.5000', null].map(vlanOfBridge)).toEqual([null, null, null, null, null]);
  });
});
