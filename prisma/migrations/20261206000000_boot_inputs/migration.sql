-- make_bootable's whole job (not only the initramfs) runs on the live copy
-- before the downtime: the fingerprint is of what that job is made from
ALTER TABLE "MigrationRun" RENAME COLUMN "initramfsInputs" TO "bootInputs";
