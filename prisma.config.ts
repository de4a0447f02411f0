// Prisma CLI configuration. The runtime client gets its URL from
// packages/db (driver adapter); this file serves `prisma generate` and, for
// users who have Prisma's schema engine, `prisma migrate deploy`.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/vzferry',
  },
});
