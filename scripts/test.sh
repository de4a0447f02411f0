#!/bin/sh
# `npm test`: type-check, lint, unit, integration (real PostgreSQL, Redis,
# sshd, rsync, loop devices), the QEMU boots of converted guests (alone: they
# take the CPU), the fault suite (alone: it restarts PostgreSQL and Redis) and
# the browser journeys, in that order.
set -eu
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
sh scripts/system-packages.sh
sh scripts/services.sh
step() { printf '\n=== %s\n' "$1"; }
step "type-check";  npm run --silent typecheck
step "lint";        npm run --silent lint
step "unit";        npx vitest run --project unit
step "integration"; npx vitest run --project integration
step "boot";        npx vitest run --project boot
step "faults";      npm run --silent test:faults
step "e2e";         npx playwright test
