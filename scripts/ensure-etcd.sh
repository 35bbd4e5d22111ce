#!/usr/bin/env bash
# Installs Debian's etcd (server and etcdctl) when it is missing. The tests and the demo run a real etcd.
set -euo pipefail

if { command -v etcd || [ -n "${ETCD_BIN:-}" ]; } >/dev/null 2>&1 && command -v etcdctl >/dev/null 2>&1; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing etcd-server and etcd-client from Debian..."
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client >/dev/null
etcd --version | head -1
