#!/bin/sh
# `npm test`: type-check, lint, unit, integration (real PostgreSQL, Redis,
# sshd, rsync, loop devices), then the QEMU boots of converted guests and the
# fault suite together (the fault suite restarts PostgreSQL and Redis of its
# own, so the two need not wait for each other; four files at a time keep
# both cores busy), and the browser journeys, in that order.
set -eu
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
sh scripts/system-packages.sh
sh scripts/services.sh
# one boot ISO and appliance build for every phase (apps/worker/test/support/test-boot-iso.ts)
VZFERRY_TEST_BOOT_ISO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vzferry-test-boot-iso.XXXXXX")
export VZFERRY_TEST_BOOT_ISO_DIR
trap 'rm -rf "$VZFERRY_TEST_BOOT_ISO_DIR"' EXIT
step() { printf '\n=== %s\n' "$1"; }
step "type-check";  npm run --silent typecheck
step "lint";        npm run --silent lint
step "unit";        npx vitest run --project unit
step "integration"; npx vitest run --project integration
step "boot and faults"; npx vitest run --project boot --project faults
step "e2e";         npx playwright test
