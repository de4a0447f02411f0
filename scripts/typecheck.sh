#!/bin/sh
# `npm run typecheck`: two TypeScript programs side by side (one per core):
# the Node code (tsconfig.typecheck.json: the apps and packages that run on
# Node, and the code at the root) and the web app (its own options: DOM, JSX,
# the "@/" paths). One program checks each package's sources once; a program
# per workspace checked again every package it imports (13 programs, over
# 4 minutes here). `npm run typecheck -w <workspace>` still checks one alone.
set -u
cd "$(dirname "$0")/.."
tsc=node_modules/.bin/tsc
$tsc -p tsconfig.typecheck.json &
node_pid=$!
$tsc -p apps/web/tsconfig.json
web=$?
wait $node_pid
node=$?
[ "$node" -eq 0 ] && [ "$web" -eq 0 ]
