#!/usr/bin/env bash
# Runs every test against real etcd processes (installing Debian's etcd-server first when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-etcd.sh
./mvnw -B verify "$@"
