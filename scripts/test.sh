#!/bin/sh
# `npm test`: type-check, lint, unit, integration (real PostgreSQL, Redis,
# sshd, rsync, loop devices), then the QEMU boots of converted guests and the
# fault suite together (the fault suite restarts PostgreSQL and Redis of its
# own, so the two need not wait for each other; four files at a time keep
# both cores busy), in that order; the browser journeys run beside
# integration.
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
# the type-check beside the lint: tsc keeps one core busy, eslint mostly one
step "type-check and lint"
TYPECHECK_LOG=$(mktemp "${TMPDIR:-/tmp}/vzferry-typecheck.XXXXXX")
npm run --silent typecheck >"$TYPECHECK_LOG" 2>&1 &
TYPECHECK_PID=$!
lint=0
npm run --silent lint || lint=$?
typecheck=0
wait "$TYPECHECK_PID" || typecheck=$?
cat "$TYPECHECK_LOG"
rm -f "$TYPECHECK_LOG"
[ "$typecheck" -eq 0 ] || { echo "type-check failed ($typecheck)"; exit 1; }
[ "$lint" -eq 0 ] || { echo "lint failed ($lint)"; exit 1; }
step "unit";        npx vitest run --project unit
# the browser journeys beside integration: both mostly wait (on the browser, on
# the pipeline's polls and timers), the journeys' output kept until they end
step "integration, and the browser journeys beside it"
E2E_LOG=$(mktemp "${TMPDIR:-/tmp}/vzferry-e2e.XXXXXX")
npx playwright test >"$E2E_LOG" 2>&1 &
E2E_PID=$!
integration=0
npx vitest run --project integration || integration=$?
e2e=0
wait "$E2E_PID" || e2e=$?
step "e2e (ran beside integration)"
cat "$E2E_LOG"
rm -f "$E2E_LOG"
[ "$integration" -eq 0 ] || { echo "integration failed ($integration)"; exit 1; }
[ "$e2e" -eq 0 ] || { echo "e2e failed ($e2e)"; exit 1; }
step "boot and faults"; npx vitest run --project boot --project faults
