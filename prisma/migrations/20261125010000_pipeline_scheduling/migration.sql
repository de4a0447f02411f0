-- AlterTable
ALTER TABLE "MigrationRun" ADD COLUMN     "reservedDiskBytes" BIGINT,
ADD COLUMN     "workDiskUsedBytes" BIGINT;

-- AlterTable
ALTER TABLE "StageRun" ADD COLUMN     "notBefore" TIMESTAMP(3);
