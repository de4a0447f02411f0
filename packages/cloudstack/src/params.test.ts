import { describe, expect, it } from 'vitest';
import { detailsParam, flattenParams } from './params';

describe('flattenParams', () => {
  it('flattens lists of objects as name[i].key and lower-cases top-level names', () => {
    const flat = flattenParams({
      zoneId: 'z',
      ipToNetworkList: [
        { networkid: 'n1', ip: '10.20.0.5' },
        { networkid: 'n2', ip: '198.51.100.7', mac: undefined },
      ],
    });
    expect(flat).toEqual({
      zoneid: 'z',
      'iptonetworklist[0].networkid': 'n1',
      'iptonetworklist[0].ip': '10.20.0.5',
      'iptonetworklist[1].networkid': 'n2',
      'iptonetworklist[1].ip': '198.51.100.7',
    });
  });

  it('joins scalar lists with commas, writes booleans and numbers, drops undefined and null', () => {
    expect(
      flattenParams({
        networkids: ['a', 'b'],
        startvm: false,
        rootdisksize: 20,
        name: undefined,
        keypair: null,
        empty: [],
      }),
    ).toEqual({
      networkids: 'a,b',
      startvm: 'false',
      rootdisksize: '20',
    });
  });

  it('keeps the case of detail keys (data, not parameter names)', () => {
    expect(flattenParams({ details: detailsParam({ rootDiskController: 'virtio' }) })).toEqual({
      'details[0].rootDiskController': 'virtio',
    });
    expect(detailsParam({})).toBeUndefined();
  });
});
