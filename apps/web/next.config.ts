// The workspace packages export TypeScript sources, so Next transpiles them.
// Packages with native or dynamic loading stay external (Node requires them
// at run time): the Prisma runtime, pg, BullMQ/ioredis.
import path from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  transpilePackages: ['@vzferry/core', '@vzferry/db', '@vzferry/queue', '@vzferry/cloudstack', '@vzferry/guest'],
  serverExternalPackages: ['@prisma/client', '@prisma/adapter-pg', 'pg', 'bullmq', 'ioredis'],
  turbopack: { root: path.resolve(import.meta.dirname, '../..') },
  poweredByHeader: false,
  devIndicators: false,
};

export default config;
