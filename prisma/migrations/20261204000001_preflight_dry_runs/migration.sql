-- CreateTable
CREATE TABLE "PreflightDryRun" (
    "id" UUID NOT NULL,
    "batchId" UUID NOT NULL,
    "converterBoxId" UUID,
    "requestedBy" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "PreflightDryRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PreflightDryRunResult" (
    "id" UUID NOT NULL,
    "dryRunId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "findings" JSONB NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PreflightDryRunResult_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PreflightDryRun_batchId_requestedAt_idx" ON "PreflightDryRun"("batchId", "requestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "PreflightDryRunResult_dryRunId_runId_key" ON "PreflightDryRunResult"("dryRunId", "runId");

-- CreateIndex
CREATE INDEX "PreflightDryRunResult_runId_idx" ON "PreflightDryRunResult"("runId");

-- AddForeignKey
ALTER TABLE "PreflightDryRun" ADD CONSTRAINT "PreflightDryRun_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PreflightDryRun" ADD CONSTRAINT "PreflightDryRun_converterBoxId_fkey" FOREIGN KEY ("converterBoxId") REFERENCES "ConverterBox"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PreflightDryRunResult" ADD CONSTRAINT "PreflightDryRunResult_dryRunId_fkey" FOREIGN KEY ("dryRunId") REFERENCES "PreflightDryRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PreflightDryRunResult" ADD CONSTRAINT "PreflightDryRunResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MigrationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
