#!/usr/bin/env bash
# The web console beside the demo's etcd: uses the etcd that answers on 127.0.0.1:2379, or starts one there (data in
# target/demo/etcd, as scripts/demo.sh does), builds etcd-config-console/target/etcd-config-console-<version>.jar
# when it is missing or older than its sources, and runs it on http://127.0.0.1:8090. Without etcd.console.users the
# console prints a generated password for the user 'admin'. More arguments go to the console, such as
# --server.port=9090 or --etcd.console.users[0].name=...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
endpoint="http://127.0.0.1:2379"
work="$root/target/demo"
mkdir -p "$work"
export ETCDCTL_API=3

scripts/ensure-etcd.sh

etcd_pid=""
trap '[ -n "$etcd_pid" ] && kill "$etcd_pid" 2>/dev/null || true' EXIT
if etcdctl --endpoints="$endpoint" endpoint health >/dev/null 2>&1; then
  echo "== Using the etcd that answers on $endpoint"
else
  echo "== Starting a local etcd on $endpoint (data in $work/etcd)"
  etcd --name demo --data-dir "$work/etcd" --listen-client-urls "$endpoint" --advertise-client-urls "$endpoint" \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster demo=http://127.0.0.1:2380 >"$work/etcd.log" 2>&1 &
  etcd_pid=$!
  for _ in $(seq 100); do
    etcdctl --endpoints="$endpoint" endpoint health >/dev/null 2>&1 && break
    sleep 0.2
  done
fi

version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)"
jar="etcd-config-console/target/etcd-config-console-$version.jar"
sources=(pom.xml)
for module in etcd-config-console etcd-config-release etcd-config-autoconfigure etcd-discovery; do
  sources+=("$module/pom.xml" "$module/src/main")
done
if [ ! -f "$jar" ] || [ -n "$(find "${sources[@]}" -newer "$jar" -print -quit)" ]; then
  echo "== Building $jar"
  ./mvnw -q -B -pl etcd-config-console -am package -Dmaven.test.skip=true
fi
echo "== The console: http://127.0.0.1:8090 (Ctrl-C stops it$([ -n "$etcd_pid" ] && echo " and the etcd it started"))"
java ${JAVA_OPTS:-} -jar "$jar" --etcd.endpoints="$endpoint" "$@"
