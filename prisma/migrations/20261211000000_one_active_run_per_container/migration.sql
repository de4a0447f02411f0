-- One active run per container. createBatch checks that none of its
-- containers is in an active run, but two batches created at the same time
-- both saw the container free and both inserted a run: one container, two
-- migrations. This partial unique index makes the second insert fail instead.
-- Only active runs count (ACTIVE_RUN_STATUSES in
-- packages/core/src/pipeline/states.ts); a container keeps any number of
-- ended runs (succeeded, failed, cancelled) and may get a new one.
-- Prisma's schema cannot declare a WHERE on an index: schema.prisma names it
-- in a comment on MigrationRun, and the schema-agreement test reads that.

-- A database that already holds such a pair cannot take the index: say which
-- containers, so an engineer cancels all runs but one of each and migrates again.
DO $$
DECLARE
  twice text;
BEGIN
  SELECT string_agg("containerId"::text, ', ') INTO twice FROM (
    SELECT "containerId" FROM "MigrationRun"
     WHERE "status" IN ('pending', 'queued', 'running', 'waiting', 'rolling_back')
     GROUP BY "containerId" HAVING count(*) > 1
  ) AS d;
  IF twice IS NOT NULL THEN
    RAISE EXCEPTION 'containers % are each in more than one active run: cancel all runs but one of each, then migrate again', twice;
  END IF;
END $$;

CREATE UNIQUE INDEX "MigrationRun_active_containerId_key" ON "MigrationRun" ("containerId")
  WHERE "status" IN ('pending', 'queued', 'running', 'waiting', 'rolling_back');
