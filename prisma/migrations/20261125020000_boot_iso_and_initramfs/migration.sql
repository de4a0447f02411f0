-- AlterTable
ALTER TABLE "MigrationRun" ADD COLUMN     "bootCalledBackAt" TIMESTAMP(3),
ADD COLUMN     "bootExitStatus" INTEGER,
ADD COLUMN     "bootLog" TEXT,
ADD COLUMN     "bootTokenSha256" TEXT,
ADD COLUMN     "initramfsInputs" TEXT;
