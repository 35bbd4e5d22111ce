#!/usr/bin/env bash
# The seed's ConfigManager, live: a local etcd on 2379 (started when none answers), the seed's keys put with
# etcdctl, the sample application, and a change that shows up in GET /config without a restart. Then a release
# with the etcd-config CLI: its difference, the push, the change seen live, the history and a rollback.
set -euo pipefail
cd "$(dirname "$0")/.."

endpoint="http://127.0.0.1:2379"
port="${DEMO_PORT:-18080}"
work="$(pwd)/target/demo"
mkdir -p "$work"
export ETCDCTL_API=3

scripts/ensure-etcd.sh

etcd_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$etcd_pid" ] && kill "$etcd_pid" 2>/dev/null || true
}
trap cleanup EXIT

wait_for() { # seconds, command...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "Timed out waiting for: $*" >&2; return 1; fi
    sleep 0.2
  done
}

http_get() ( # path: a GET without curl, through bash's /dev/tcp, in a subshell so a refused connection is just a failure
  exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$1" >&3
  sed '1,/^\r$/d' <&3
)

if etcdctl --endpoints="$endpoint" endpoint health >/dev/null 2>&1; then
  echo "== Using the etcd that answers on $endpoint"
else
  echo "== Starting a local etcd on $endpoint (data in $work/etcd)"
  etcd --name demo --data-dir "$work/etcd" --listen-client-urls "$endpoint" --advertise-client-urls "$endpoint" \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster demo=http://127.0.0.1:2380 >"$work/etcd.log" 2>&1 &
  etcd_pid=$!
  wait_for 20 etcdctl --endpoints="$endpoint" endpoint health
fi

echo "== Putting the seed's keys"
put() { echo "\$ etcdctl put $1 \"$2\""; etcdctl --endpoints="$endpoint" put "$1" "$2" >/dev/null; }
put /config/app-name "my-application"
put /config/database/host "postgres"
put /config/database/port "5432"
put /config/database/name "erp"
put /config/api/rate-limit "100"
put /config/api/timeout "5000"
# What an earlier run released for the sample, so that the shared values above are the ones it shows.
etcdctl --endpoints="$endpoint" del --prefix /config-apps/config-manager/ >/dev/null
etcdctl --endpoints="$endpoint" del --prefix /config-releases/config-apps/config-manager/ >/dev/null

echo "== Building samples/config-manager and the etcd-config CLI, and starting the sample on port $port"
./mvnw -q -B -pl samples/config-manager,etcd-config-cli -am package -Dmaven.test.skip=true
java -jar samples/config-manager/target/config-manager-0.1.0-SNAPSHOT.jar --server.port="$port" \
  --etcd.endpoints="$endpoint" >"$work/app.log" 2>&1 &
app_pid=$!
if ! wait_for 120 http_get /config; then
  tail -40 "$work/app.log"
  exit 1
fi

echo "== GET /config"
http_get /config; echo

echo "== A live change"
put /config/api/rate-limit "200"
start=$(date +%s%N)
wait_for 10 bash -c "$(declare -f http_get); port=$port; http_get /config | grep -q '\"api.rate-limit\":200'"
echo "(seen by the application $(( ($(date +%s%N) - start) / 1000000 )) ms after etcdctl returned, including the polling)"

echo "== GET /config"
http_get /config; echo
echo "== The application's log of the change"
# The application logs a change once its beans have it, which may be just after GET /config showed it.
wait_for 10 grep -q "Config updated" "$work/app.log" || true
grep "Config updated" "$work/app.log" || true

echo "== Releasing configuration with the etcd-config CLI"
cli() { # shows the command as typed, then runs it against the demo's etcd
  printf '$ scripts/etcd-config'
  for arg in "$@"; do case "$arg" in *" "*) printf ' "%s"' "$arg" ;; *) printf ' %s' "$arg" ;; esac; done
  echo
  scripts/etcd-config --endpoints "$endpoint" "$@"
}
seen() { # the value of api.rate-limit GET /config must show
  wait_for 10 bash -c "$(declare -f http_get); port=$port; http_get /config | grep -q '\"api.rate-limit\":$1'"
}
printf 'api:\n  rate-limit: 300\n' >"$work/config-manager.yml"
echo "\$ cat target/demo/config-manager.yml"
cat "$work/config-manager.yml"
cli diff target/demo/config-manager.yml --app config-manager || [ $? -eq 1 ] # 1: there is a difference
cli push target/demo/config-manager.yml --app config-manager --message "demo: raise the rate limit" --yes
seen 300
echo "== GET /config"
http_get /config; echo
cli history --app config-manager --limit 3
cli rollback --app config-manager --to 0 --message "demo: back to the shared value" --yes # 0: before the first
seen 200
echo "== GET /config"
http_get /config; echo
