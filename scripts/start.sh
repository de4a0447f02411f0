#!/bin/sh
# `npm start`: the whole product on one machine with its embedded defaults:
# PostgreSQL and Redis (started or installed), migrations, the lab (simulated
# OpenVZ hypervisors and CloudStack), a worker, the web app on port 3000, and
# the lab's inventory imported as the demo. Ctrl-C stops everything.
set -eu
cd "$(dirname "$0")/.."
sh scripts/system-packages.sh
sh scripts/services.sh
[ -d node_modules ] || npm ci
export NEXT_TELEMETRY_DISABLED=1
exec node --import tsx scripts/start/main.ts "$@"
