import { describe, expect, it } from 'vitest';
import { asSentence } from './sentence';

describe('asSentence', () => {
  it('capitalises an ordinary first word and ends with a full stop', () => {
    expect(asSentence('batch wave-1 is at its limit of 10 concurrent runs')).toBe(
      'Batch wave-1 is at its limit of 10 concurrent runs.',
    );
    expect(asSentence('kernel, initramfs with virtio built')).toBe('Kernel, initramfs with virtio built.');
  });

  it('leaves a name at the start alone, and punctuation that is there', () => {
    expect(asSentence('qcow2 of 10 MiB, sha256 e2711a6e…')).toBe('qcow2 of 10 MiB, sha256 e2711a6e…');
    expect(asSentence('/etc/fstab rewritten')).toBe('/etc/fstab rewritten.');
    expect(asSentence('Already a sentence.')).toBe('Already a sentence.');
    expect(asSentence('rsync_failed: exit 23')).toBe('rsync_failed: exit 23.');
  });

  it('is empty for nothing', () => {
    expect(asSentence(null)).toBe('');
    expect(asSentence('  ')).toBe('');
  });
});
