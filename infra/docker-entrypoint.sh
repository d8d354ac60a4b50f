#!/bin/sh
# The image's entry point: the first argument names the process, the rest are its arguments.
set -e
cmd="${1:-stack}"
[ $# -gt 0 ] && shift
case "$cmd" in
  # --liftoff-only: the embedded PostgreSQL (WebAssembly) stays on V8's baseline tier, ~80 MB less
  # resident than with optimized code (docs/footprint.md); as `npm start`.
  stack)         exec node --liftoff-only apps/stack/dist/main.js "$@" ;;
  control-plane) exec node apps/control-plane/dist/main.js "$@" ;;
  worker)        exec node apps/worker/dist/main.js "$@" ;;
  broker)        exec node apps/broker/dist/start.js "$@" ;;
  setup)         exec node apps/stack/dist/setup.js "$@" ;;
  migrate)       exec node libs/db/dist/cli.js "$@" ;;
  cli)           exec node apps/cli/dist/main.js "$@" ;;
  *)             exec "$cmd" "$@" ;;
esac
