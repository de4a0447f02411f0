-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "perHostConcurrency" INTEGER;
