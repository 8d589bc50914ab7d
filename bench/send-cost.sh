#!/usr/bin/env bash
# Compares what one REST send to a user costs on two ws-node builds in the same run (e.g. before and after a change
# to the send path): each jar in turn runs on the Redis bus with its own key prefix, takes a wrk warm-up, then a
# measured wrk run POSTing /api/v1/users/u<1..1000>/messages; prints requests/s, node and Redis CPU per request.
#
#   bench/send-cost.sh OLD.jar NEW.jar        (Redis on 127.0.0.1:6379; wrk and bc from Debian)
#   WARMUP=20 SECONDS_MEASURED=30 CONNECTIONS=16 bench/send-cost.sh a.jar b.jar
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 OLD.jar NEW.jar [more.jar ...]" >&2; exit 2; }
WARMUP=${WARMUP:-20}
MEASURED=${SECONDS_MEASURED:-30}
CONNECTIONS=${CONNECTIONS:-16}
find_java() {
  # The newest JDK 21+ under /usr/lib/jvm, else the java on the PATH.
  local best="" best_major=0 major
  for home in /usr/lib/jvm/*; do
    [ -x "$home/bin/java" ] || continue
    major=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    major=${major%%.*}
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$home/bin/java"; best_major=$major; fi
  done
  echo "${best:-java}"
}
JAVA=${JAVA:-$(find_java)}
LUA=$(mktemp --suffix=.lua)
trap 'rm -f "$LUA"' EXIT
cat > "$LUA" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"data":{"text":"hello from wrk","n":12345}}'
request = function() return wrk.format(nil, "/api/v1/users/u" .. math.random(1, 1000) .. "/messages") end
LUA
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
redis_pid=$(pgrep -f "redis-server.*:6379" | head -1)
tick=$(getconf CLK_TCK)
port=18390
echo "java: $JAVA; wrk $CONNECTIONS connections, ${WARMUP}s warm-up, ${MEASURED}s measured"
for jar in "$@"; do
  prefix="send-cost-$RANDOM"
  "$JAVA" -Xmx512m -jar "$jar" --server.port=$port --wsgrid.node.id=bench --wsgrid.cluster.bus=redis \
      --wsgrid.cluster.redis.prefix="$prefix" --wsgrid.auth.mode=none --logging.level.root=WARN >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do curl -sf "localhost:$port/actuator/health/readiness" >/dev/null 2>&1 && break; sleep 1; done
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LUA" "http://127.0.0.1:$port" >/dev/null
  n0=$(cpu $pid); r0=$(cpu "$redis_pid")
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${MEASURED}s" -s "$LUA" "http://127.0.0.1:$port")
  n1=$(cpu $pid); r1=$(cpu "$redis_pid")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  printf '%s: %s req/s, non-2xx %s, node %.1f µs/request, redis %.1f µs/request\n' "$jar" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '/Non-2xx/ {print $NF}' <<<"$out" | grep . || echo 0)" \
      "$(bc -l <<<"($n1-$n0)*1000000/$tick/$reqs")" "$(bc -l <<<"($r1-$r0)*1000000/$tick/$reqs")"
  kill $pid; wait $pid 2>/dev/null || true
  redis-cli --scan --pattern "$prefix*" | xargs -r -n 500 redis-cli del >/dev/null
done
