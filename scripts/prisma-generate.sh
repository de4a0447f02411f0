#!/bin/sh
# Generates the Prisma client offline. The Prisma CLI refuses to run without a
# schema-engine binary even for `generate`, which does not use it; any existing
# file satisfies the check (the engine is a download that may not be
# reachable). Users who have the real
# engine keep theirs.
set -e
cd "$(dirname "$0")/.."
[ -f prisma/schema.prisma ] || exit 0
if [ -z "${PRISMA_SCHEMA_ENGINE_BINARY:-}" ]; then
  PRISMA_SCHEMA_ENGINE_BINARY="$PWD/prisma/schema.prisma"
  export PRISMA_SCHEMA_ENGINE_BINARY
fi
exec npx --no-install prisma generate --config prisma.config.ts
