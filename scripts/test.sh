#!/usr/bin/env bash
# Runs every test against real etcd processes (installing Debian's etcd-server first when it is missing) on Spring
# Boot 4.0, then builds everything against Boot 4.1 and runs the samples' tests and a subset that covers loading,
# refresh, faults, discovery, releases, the CLI and the console there (the profile boot-4.1 in pom.xml names them). Arguments go to both runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-etcd.sh
./mvnw -B verify "$@"
./mvnw -B -Pboot-4.1 verify "$@"
