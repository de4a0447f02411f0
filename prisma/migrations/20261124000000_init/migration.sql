-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'engineer', 'support', 'manager');

-- CreateEnum
CREATE TYPE "SourcePlatform" AS ENUM ('openvz_vzctl', 'virtuozzo_prlctl');

-- CreateEnum
CREATE TYPE "HostKeyState" AS ENUM ('unknown', 'pending', 'accepted');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('idle', 'queued', 'running', 'succeeded', 'failed');

-- CreateEnum
CREATE TYPE "ContainerStatus" AS ENUM ('running', 'stopped', 'mounted', 'suspended', 'unknown');

-- CreateEnum
CREATE TYPE "MigrationState" AS ENUM ('not_started', 'queued', 'migrating', 'migrated', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "ConverterBoxStatus" AS ENUM ('online', 'draining', 'offline');

-- CreateEnum
CREATE TYPE "BatchStatus" AS ENUM ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "Stage" AS ENUM ('preflight', 'prepare_source', 'create_disk', 'initial_sync', 'await_cutover', 'stop_source', 'final_sync', 'detect_os', 'backup_config', 'rewrite_config', 'make_bootable', 'convert_image', 'register_template', 'deploy_vm', 'verify', 'cleanup');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('pending', 'queued', 'running', 'waiting', 'rolling_back', 'failed', 'cancelled', 'succeeded');

-- CreateEnum
CREATE TYPE "StageStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled');

-- CreateEnum
CREATE TYPE "EventLevel" AS ENUM ('debug', 'info', 'warn', 'error');

-- CreateEnum
CREATE TYPE "EventKind" AS ENUM ('event', 'command', 'output');

-- CreateEnum
CREATE TYPE "TemplateUploadState" AS ENUM ('registering', 'downloading', 'ready', 'failed', 'deleted');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "passwordHash" TEXT,
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" UUID,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "details" JSONB,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB,
    "secret" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SourceHost" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 22,
    "username" TEXT NOT NULL DEFAULT 'root',
    "privateKeyEnc" TEXT NOT NULL,
    "platform" "SourcePlatform" NOT NULL DEFAULT 'openvz_vzctl',
    "hostKeyState" "HostKeyState" NOT NULL DEFAULT 'unknown',
    "hostKeyFingerprint" TEXT,
    "hostKeyAlgorithm" TEXT,
    "hostPublicKey" TEXT,
    "pendingHostKeyFingerprint" TEXT,
    "pendingHostKeyAlgorithm" TEXT,
    "pendingHostPublicKey" TEXT,
    "hostKeySeenAt" TIMESTAMP(3),
    "maxConcurrentMigrations" INTEGER NOT NULL DEFAULT 4,
    "bandwidthLimitKbps" INTEGER,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SourceHost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventoryImport" (
    "id" UUID NOT NULL,
    "sourceHostId" UUID NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'queued',
    "progressPercent" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "message" TEXT,
    "containersSeen" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "vanished" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "requestedBy" TEXT,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "InventoryImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Container" (
    "id" UUID NOT NULL,
    "sourceHostId" UUID NOT NULL,
    "sourceCtid" INTEGER NOT NULL,
    "hostname" TEXT,
    "name" TEXT,
    "description" TEXT,
    "status" "ContainerStatus" NOT NULL DEFAULT 'unknown',
    "ostemplate" TEXT,
    "layout" TEXT,
    "privatePath" TEXT,
    "rootPath" TEXT,
    "diskQuotaKb" BIGINT,
    "diskUsedKb" BIGINT,
    "inodesUsed" BIGINT,
    "inodesLimit" BIGINT,
    "ramMb" INTEGER,
    "swapMb" INTEGER,
    "cpus" INTEGER,
    "cpuUnits" INTEGER,
    "cpuLimit" INTEGER,
    "onboot" BOOLEAN,
    "nameservers" TEXT[],
    "searchDomains" TEXT[],
    "customerId" UUID,
    "downtimeWindow" TEXT,
    "migrationState" "MigrationState" NOT NULL DEFAULT 'not_started',
    "vanishedAt" TIMESTAMP(3),
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Container_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContainerNic" (
    "id" UUID NOT NULL,
    "containerId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mac" TEXT,
    "hostIfname" TEXT,
    "bridge" TEXT,
    "vlan" INTEGER,

    CONSTRAINT "ContainerNic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContainerIp" (
    "id" UUID NOT NULL,
    "containerId" UUID NOT NULL,
    "nicId" UUID,
    "address" TEXT NOT NULL,
    "family" INTEGER NOT NULL,
    "prefix" INTEGER,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ContainerIp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Note" (
    "id" UUID NOT NULL,
    "containerId" UUID NOT NULL,
    "authorId" UUID,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Note_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NetworkMapping" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cidr" TEXT NOT NULL,
    "sourceVlan" INTEGER,
    "gateway" TEXT,
    "cloudstackNetworkId" TEXT NOT NULL,
    "cloudstackNetworkName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NetworkMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfferingMapping" (
    "id" UUID NOT NULL,
    "maxRamMb" INTEGER NOT NULL,
    "maxCpus" INTEGER NOT NULL,
    "serviceOfferingId" TEXT NOT NULL,
    "serviceOfferingName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OfferingMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OsTypeMapping" (
    "id" UUID NOT NULL,
    "distribution" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "osTypeId" TEXT NOT NULL,
    "osTypeName" TEXT,
    "legacyOsTypeId" TEXT,
    "legacyOsTypeName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OsTypeMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConverterBox" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "workDir" TEXT NOT NULL,
    "freeDiskBytes" BIGINT NOT NULL,
    "totalDiskBytes" BIGINT NOT NULL,
    "cores" INTEGER NOT NULL,
    "maxConcurrentRuns" INTEGER NOT NULL,
    "templateServerUrl" TEXT,
    "status" "ConverterBoxStatus" NOT NULL DEFAULT 'online',
    "version" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastHeartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConverterBox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "status" "BatchStatus" NOT NULL DEFAULT 'draft',
    "startAt" TIMESTAMP(3),
    "concurrency" INTEGER NOT NULL DEFAULT 10,
    "catchUpSyncs" INTEGER NOT NULL DEFAULT 1,
    "bandwidthLimitKbps" INTEGER,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "pausedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MigrationRun" (
    "id" UUID NOT NULL,
    "batchId" UUID NOT NULL,
    "containerId" UUID NOT NULL,
    "converterBoxId" UUID,
    "status" "RunStatus" NOT NULL DEFAULT 'pending',
    "currentStage" "Stage",
    "failedStage" "Stage",
    "errorCode" TEXT,
    "error" TEXT,
    "preflightOk" BOOLEAN,
    "preflightReport" JSONB,
    "plannedWindowStart" TIMESTAMP(3),
    "plannedWindowEnd" TIMESTAMP(3),
    "downtimeStartedAt" TIMESTAMP(3),
    "downtimeEndedAt" TIMESTAMP(3),
    "workDir" TEXT,
    "diskImagePath" TEXT,
    "imagePath" TEXT,
    "imageSha256" TEXT,
    "imageBytes" BIGINT,
    "detectedOs" JSONB,
    "conversionPlan" JSONB,
    "cloudstackVmId" TEXT,
    "cloudstackVmName" TEXT,
    "cancelRequestedAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MigrationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StageRun" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "stage" "Stage" NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "status" "StageStatus" NOT NULL DEFAULT 'pending',
    "converterBoxId" UUID,
    "progressPercent" DOUBLE PRECISION,
    "bytesDone" BIGINT,
    "bytesTotal" BIGINT,
    "filesDone" INTEGER,
    "filesTotal" INTEGER,
    "message" TEXT,
    "errorCode" TEXT,
    "error" TEXT,
    "result" JSONB,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),

    CONSTRAINT "StageRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunEvent" (
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "stageRunId" UUID,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" "EventLevel" NOT NULL DEFAULT 'info',
    "kind" "EventKind" NOT NULL DEFAULT 'event',
    "stream" TEXT,
    "message" TEXT NOT NULL,
    "data" JSONB,

    CONSTRAINT "RunEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TemplateUpload" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "cloudstackTemplateId" TEXT,
    "state" "TemplateUploadState" NOT NULL DEFAULT 'registering',
    "csStatus" TEXT,
    "downloadPercent" DOUBLE PRECISION,
    "error" TEXT,
    "checksum" TEXT,
    "sizeBytes" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "readyAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "TemplateUpload_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "AuditLog_targetType_targetId_idx" ON "AuditLog"("targetType", "targetId");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE UNIQUE INDEX "SourceHost_name_key" ON "SourceHost"("name");

-- CreateIndex
CREATE INDEX "InventoryImport_sourceHostId_queuedAt_idx" ON "InventoryImport"("sourceHostId", "queuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_email_key" ON "Customer"("email");

-- CreateIndex
CREATE INDEX "Container_hostname_idx" ON "Container"("hostname");

-- CreateIndex
CREATE INDEX "Container_status_idx" ON "Container"("status");

-- CreateIndex
CREATE INDEX "Container_ostemplate_idx" ON "Container"("ostemplate");

-- CreateIndex
CREATE INDEX "Container_customerId_idx" ON "Container"("customerId");

-- CreateIndex
CREATE INDEX "Container_migrationState_idx" ON "Container"("migrationState");

-- CreateIndex
CREATE UNIQUE INDEX "Container_sourceHostId_sourceCtid_key" ON "Container"("sourceHostId", "sourceCtid");

-- CreateIndex
CREATE UNIQUE INDEX "ContainerNic_containerId_name_key" ON "ContainerNic"("containerId", "name");

-- CreateIndex
CREATE INDEX "ContainerIp_address_idx" ON "ContainerIp"("address");

-- CreateIndex
CREATE UNIQUE INDEX "ContainerIp_containerId_address_key" ON "ContainerIp"("containerId", "address");

-- CreateIndex
CREATE INDEX "Note_containerId_createdAt_idx" ON "Note"("containerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "NetworkMapping_cidr_key" ON "NetworkMapping"("cidr");

-- CreateIndex
CREATE UNIQUE INDEX "OfferingMapping_maxRamMb_maxCpus_key" ON "OfferingMapping"("maxRamMb", "maxCpus");

-- CreateIndex
CREATE UNIQUE INDEX "OsTypeMapping_distribution_version_key" ON "OsTypeMapping"("distribution", "version");

-- CreateIndex
CREATE UNIQUE INDEX "ConverterBox_name_key" ON "ConverterBox"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Batch_name_key" ON "Batch"("name");

-- CreateIndex
CREATE INDEX "Batch_status_idx" ON "Batch"("status");

-- CreateIndex
CREATE INDEX "MigrationRun_batchId_status_idx" ON "MigrationRun"("batchId", "status");

-- CreateIndex
CREATE INDEX "MigrationRun_containerId_idx" ON "MigrationRun"("containerId");

-- CreateIndex
CREATE INDEX "MigrationRun_status_idx" ON "MigrationRun"("status");

-- CreateIndex
CREATE INDEX "MigrationRun_converterBoxId_status_idx" ON "MigrationRun"("converterBoxId", "status");

-- CreateIndex
CREATE INDEX "StageRun_status_idx" ON "StageRun"("status");

-- CreateIndex
CREATE UNIQUE INDEX "StageRun_runId_stage_attempt_key" ON "StageRun"("runId", "stage", "attempt");

-- CreateIndex
CREATE INDEX "RunEvent_runId_id_idx" ON "RunEvent"("runId", "id");

-- CreateIndex
CREATE INDEX "TemplateUpload_cloudstackTemplateId_idx" ON "TemplateUpload"("cloudstackTemplateId");

-- CreateIndex
CREATE UNIQUE INDEX "TemplateUpload_runId_attempt_key" ON "TemplateUpload"("runId", "attempt");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InventoryImport" ADD CONSTRAINT "InventoryImport_sourceHostId_fkey" FOREIGN KEY ("sourceHostId") REFERENCES "SourceHost"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Container" ADD CONSTRAINT "Container_sourceHostId_fkey" FOREIGN KEY ("sourceHostId") REFERENCES "SourceHost"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Container" ADD CONSTRAINT "Container_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContainerNic" ADD CONSTRAINT "ContainerNic_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContainerIp" ADD CONSTRAINT "ContainerIp_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContainerIp" ADD CONSTRAINT "ContainerIp_nicId_fkey" FOREIGN KEY ("nicId") REFERENCES "ContainerNic"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Note" ADD CONSTRAINT "Note_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Note" ADD CONSTRAINT "Note_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MigrationRun" ADD CONSTRAINT "MigrationRun_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MigrationRun" ADD CONSTRAINT "MigrationRun_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MigrationRun" ADD CONSTRAINT "MigrationRun_converterBoxId_fkey" FOREIGN KEY ("converterBoxId") REFERENCES "ConverterBox"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageRun" ADD CONSTRAINT "StageRun_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MigrationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageRun" ADD CONSTRAINT "StageRun_converterBoxId_fkey" FOREIGN KEY ("converterBoxId") REFERENCES "ConverterBox"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunEvent" ADD CONSTRAINT "RunEvent_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MigrationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunEvent" ADD CONSTRAINT "RunEvent_stageRunId_fkey" FOREIGN KEY ("stageRunId") REFERENCES "StageRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateUpload" ADD CONSTRAINT "TemplateUpload_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MigrationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
