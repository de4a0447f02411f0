-- CreateTable
CREATE TABLE "TemplateDownloadSlot" (
    "runId" UUID NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TemplateDownloadSlot_pkey" PRIMARY KEY ("runId")
);

-- CreateIndex
CREATE INDEX "TemplateDownloadSlot_expiresAt_idx" ON "TemplateDownloadSlot"("expiresAt");

-- AddForeignKey
ALTER TABLE "TemplateDownloadSlot" ADD CONSTRAINT "TemplateDownloadSlot_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MigrationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
