// The workspace packages export TypeScript sources, so Next transpiles them.
// Packages with native or dynamic loading stay external (Node requires them
// at run time): the Prisma runtime, pg, BullMQ/ioredis.
import path from 'node:path';
import type { NextConfig } from 'next';

// Every page and answer: no framing (clickjacking), no MIME sniffing, no
// referrer beyond our origin, and a content security policy that lets only
// our own origin run scripts and be fetched. Next's inline bootstrap scripts
// and Tailwind's style attributes need 'unsafe-inline' without nonces.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = [
  { key: 'Content-Security-Policy', value: CSP },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

const config: NextConfig = {
  transpilePackages: ['@vzferry/core', '@vzferry/db', '@vzferry/queue', '@vzferry/cloudstack', '@vzferry/guest'],
  serverExternalPackages: ['@prisma/client', '@prisma/adapter-pg', 'pg', 'bullmq', 'ioredis'],
  turbopack: { root: path.resolve(import.meta.dirname, '../..') },
  poweredByHeader: false,
  headers: async () => [{ source: '/:path*', headers: SECURITY_HEADERS }],
  devIndicators: false,
};

export default config;
