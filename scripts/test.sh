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
# side_by_side NAME CMD -- NAME CMD: the first command in the background, its
# output kept until both ended and then printed; each failure named
side_by_side() {
  back_name=$1 back_cmd=$2 front_name=$4 front_cmd=$5
  step "$front_name, and $back_name beside it"
  back_log=$(mktemp "${TMPDIR:-/tmp}/vzferry-beside.XXXXXX")
  sh -c "$back_cmd" >"$back_log" 2>&1 &
  back_pid=$!
  front=0
  sh -c "$front_cmd" || front=$?
  back=0
  wait "$back_pid" || back=$?
  step "$back_name (ran beside $front_name)"
  cat "$back_log"
  rm -f "$back_log"
  [ "$front" -eq 0 ] || { echo "$front_name failed ($front)"; exit 1; }
  [ "$back" -eq 0 ] || { echo "$back_name failed ($back)"; exit 1; }
}
# tsc keeps one core busy, eslint mostly one
side_by_side "type-check" "npm run --silent typecheck" -- "lint" "npm run --silent lint"
step "unit";        npx vitest run --project unit
# both mostly wait (on the browser, on the pipeline's polls and timers)
side_by_side "e2e" "npx playwright test" -- "integration" "npx vitest run --project integration"
step "boot and faults"; npx vitest run --project boot --project faults
