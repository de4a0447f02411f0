import { describe, expect, it } from 'vitest';
import { moduleName, parseModuleIndex, planModules } from './modules';

// excerpts of Debian 12's depmod output (6.1.0-56-amd64), xz names as later kernels have them
const DEP = `kernel/drivers/ata/ata_piix.ko.xz: kernel/drivers/ata/libata.ko.xz kernel/drivers/scsi/scsi_mod.ko.xz kernel/drivers/scsi/scsi_common.ko.xz
kernel/drivers/ata/libata.ko.xz: kernel/drivers/scsi/scsi_mod.ko.xz kernel/drivers/scsi/scsi_common.ko.xz
kernel/drivers/scsi/scsi_mod.ko.xz: kernel/drivers/scsi/scsi_common.ko.xz
kernel/drivers/scsi/scsi_common.ko.xz:
kernel/fs/ext4/ext4.ko.xz: kernel/lib/crc16.ko.xz kernel/fs/mbcache.ko.xz kernel/fs/jbd2/jbd2.ko.xz
kernel/lib/crc16.ko.xz:
kernel/fs/mbcache.ko.xz:
kernel/fs/jbd2/jbd2.ko.xz:
kernel/crypto/crc32c_generic.ko.xz:
kernel/arch/x86/crypto/crc32c-intel.ko.xz:
kernel/drivers/net/ethernet/intel/e1000/e1000.ko.xz:
`;
const SOFTDEP = `# Soft dependencies extracted from modules themselves.
softdep ext4 pre: crypto-crc32c
softdep jbd2 pre: crypto-crc32c
`;
const ALIAS = `alias crypto-crc32c crc32c_intel
alias crypto-crc32c crc32c_generic
alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000
`;
const BUILTIN = 'kernel/drivers/virtio/virtio.ko\n';

const index = parseModuleIndex({ dep: DEP, softdep: SOFTDEP, alias: ALIAS, builtin: BUILTIN });

describe('boot ISO kernel modules', () => {
  it('names a module as modprobe does, whatever its compression', () => {
    expect(moduleName('kernel/arch/x86/crypto/crc32c-intel.ko.xz')).toBe('crc32c_intel');
    expect(moduleName('kernel/fs/ext4/ext4.ko')).toBe('ext4');
    expect(moduleName('kernel/fs/ext4/ext4.ko.zst')).toBe('ext4');
  });

  it('takes the dependency closure and loads every module after what it needs', () => {
    const plan = planModules(index, ['ata_piix', 'e1000']);
    expect(plan.load).toEqual(['scsi_common', 'scsi_mod', 'libata', 'ata_piix', 'e1000']);
    expect(plan.files).toEqual([
      'kernel/drivers/ata/ata_piix.ko.xz',
      'kernel/drivers/ata/libata.ko.xz',
      'kernel/drivers/net/ethernet/intel/e1000/e1000.ko.xz',
      'kernel/drivers/scsi/scsi_common.ko.xz',
      'kernel/drivers/scsi/scsi_mod.ko.xz',
    ]);
  });

  it("loads ext4's and jbd2's crc32c softdep (through its alias) before them, since busybox modprobe ignores softdeps", () => {
    const { load } = planModules(index, ['ext4']);
    expect(load).toEqual(['crc32c_generic', 'crc32c_intel', 'jbd2', 'mbcache', 'crc16', 'ext4']);
  });

  it('needs nothing for a built-in driver and refuses one the kernel does not have', () => {
    expect(planModules(index, ['virtio']).load).toEqual([]);
    expect(() => planModules(index, ['virtio_blk'])).toThrow(
      /virtio_blk is neither in modules.dep nor built into the kernel/,
    );
  });
});
