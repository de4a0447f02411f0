-- A note is about a container or a customer (exactly one of them), and keeps
-- its author's name as it was when the note was written.
ALTER TABLE "Note" ALTER COLUMN "containerId" DROP NOT NULL;
ALTER TABLE "Note" ADD COLUMN "customerId" UUID;
ALTER TABLE "Note" ADD COLUMN "authorName" TEXT;

UPDATE "Note" SET "authorName" = COALESCE((SELECT u."name" FROM "User" u WHERE u."id" = "Note"."authorId"), 'unknown');
ALTER TABLE "Note" ALTER COLUMN "authorName" SET NOT NULL;

ALTER TABLE "Note" ADD CONSTRAINT "Note_one_subject_check" CHECK (("containerId" IS NULL) <> ("customerId" IS NULL));

-- CreateIndex
CREATE INDEX "Note_customerId_createdAt_idx" ON "Note"("customerId", "createdAt");

-- AddForeignKey
ALTER TABLE "Note" ADD CONSTRAINT "Note_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
