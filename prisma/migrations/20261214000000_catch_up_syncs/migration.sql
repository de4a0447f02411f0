-- Catch-up syncs while a run waits for its downtime window, and the
-- cutover's projected downtime (issue 14).
-- AlterTable
ALTER TABLE "MigrationRun" ADD COLUMN     "lastSyncEndedAt" TIMESTAMP(3),
ADD COLUMN     "projectedDowntimeMs" INTEGER;

-- CreateTable
CREATE TABLE "CatchUpSync" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "files" INTEGER NOT NULL,
    "filesTransferred" INTEGER NOT NULL,
    "bytesTransferred" BIGINT NOT NULL,
    "bytesTotal" BIGINT NOT NULL,

    CONSTRAINT "CatchUpSync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CatchUpSync_runId_startedAt_idx" ON "CatchUpSync"("runId", "startedAt");

-- AddForeignKey
ALTER TABLE "CatchUpSync" ADD CONSTRAINT "CatchUpSync_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MigrationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
