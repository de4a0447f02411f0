-- Support's search box tolerates typos: trigram similarity (pg_trgm, part of
-- PostgreSQL's contrib, which Debian's server package and the postgres image
-- ship) with GIN indexes for the word-similarity and ILIKE searches.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Customer_name_trgm_idx" ON "Customer" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Customer_email_trgm_idx" ON "Customer" USING GIN ("email" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Container_hostname_trgm_idx" ON "Container" USING GIN ("hostname" gin_trgm_ops);
