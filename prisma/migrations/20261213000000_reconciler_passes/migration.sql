-- When the reconciler last reached the database, and since when it has
-- reached it without a gap: a box is judged offline only after it missed its
-- heartbeats for the offline limit while the database was reachable (its
-- heartbeats cannot be written while PostgreSQL is away).
CREATE TABLE "ReconcilerPass" (
    "name" TEXT NOT NULL,
    "lastPassAt" TIMESTAMP(3) NOT NULL,
    "reachableSince" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "ReconcilerPass_pkey" PRIMARY KEY ("name")
);
