-- The order of a run's stages: classic (the image travels in the downtime)
-- or staged (the VM is deployed before the window; issue 14).
-- CreateEnum
CREATE TYPE "CutoverPath" AS ENUM ('classic', 'staged');

-- AlterTable
ALTER TABLE "MigrationRun" ADD COLUMN     "cutoverPath" "CutoverPath" NOT NULL DEFAULT 'classic';
