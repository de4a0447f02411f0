-- CreateTable
CREATE TABLE "DowntimeWindow" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DowntimeWindow_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DowntimeWindow_runId_startedAt_idx" ON "DowntimeWindow"("runId", "startedAt");

-- AddForeignKey
ALTER TABLE "DowntimeWindow" ADD CONSTRAINT "DowntimeWindow_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MigrationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
