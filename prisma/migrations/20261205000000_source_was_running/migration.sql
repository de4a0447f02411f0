-- Whether stop_source found the source container running: a rollback or a
-- cancel starts only a container the run stopped, never one the customer had
-- stopped. Null for runs from before (they keep starting it, as they did).
ALTER TABLE "MigrationRun" ADD COLUMN "sourceWasRunning" BOOLEAN;
