#!/usr/bin/env bash
# wsgrid benchmark suite. Starts every server it measures on loopback, runs the load generator against each in the
# same run (so ratios compare like with like on a shared, noisy machine), prints the figures and writes them as JSON
# lines to bench/results/latest.jsonl (a section run again replaces its own rows), then rewrites docs/benchmarks.md and
# docs/benchmarks.png from all rows. Every run is bounded in connections, messages and time and targets loopback only.
#
#   bench/run.sh [node] [memory] [rest] ...     (no argument: all sections)
#
# Sections:
#   node    fan-out of K broadcasts to N connections: ws-node vs a minimal Node.js `ws` server and a Socket.IO server
#   memory  RSS and heap per idle connection, slope between two connection counts
#   cluster user-directed sends through a third node to receivers on two others: memory vs redis vs rabbitmq
#   gateway echo round trips through the gateway vs nginx and HAProxy (Debian's, installed when missing) to one ws-node
#   relay-memory  memory per relayed idle connection, gateway vs nginx to one ws-node: slope between RELAY_STEPS idle
#           connections. nginx: RSS of master + workers. gateway: its heap is fixed and pre-touched (-Xms = -Xmx,
#           AlwaysPreTouch), so its RSS slope is what lives outside the heap (direct buffers, native, stacks), and the
#           used heap after a full GC at each step adds the live Java objects; the figure is the sum of both
#   rest    wrk (Debian's) POSTing /api/v1/users/{u}/messages to REST_USERS online users over REST_CONNECTIONS keep-alive
#           connections: ws-node vs the Node.js peer, warmed up (WARMUP s, not recorded), then REST_SECONDS measured;
#           plus ws-node's cold-start curve: requests/s per 10 s window from the moment readiness is UP
#
# Knobs (environment): CONNECTIONS (5000), MESSAGES (200), FANOUT_WARMUP_RUNS (3 unrecorded floods per server first), IDLE_STEPS (1000,10000), WARMUP (35), REST_SECONDS (20),
#   REST_USERS (1000), REST_CONNECTIONS (64), COLD_WINDOWS (6), NODE_JAVA_OPTS (extra JVM options for ws-node),
#   GATEWAY_JAVA_OPTS (extra JVM options for the gateway), RELAY_STEPS (1000,5000),
#   PROFILE_JFR (a file: record the warmed, measured window with JFR: ws-node's in rest, the gateway's in gateway), AOT (true: run ws-node from its extracted
#   jar with a JDK AOT cache recorded by a training run first, as deploy/local/run.sh and the Dockerfile do)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

: "${CONNECTIONS:=5000}" "${MESSAGES:=200}" "${FANOUT_WARMUP_RUNS:=3}"
# 50k idle connections need more than this machine's hard limit of 20k open files per process; raise IDLE_STEPS where
# `ulimit -n` allows it.
: "${IDLE_STEPS:=1000,10000,18000}"
: "${CLUSTER_RATE:=2000}" "${CLUSTER_MESSAGES:=20000}" "${CLUSTER_USERS:=1000}"
: "${ECHO_CONNECTIONS:=100}" "${ECHO_SECONDS:=15}"
: "${WARMUP:=35}" "${REST_SECONDS:=20}" "${REST_USERS:=1000}" "${REST_CONNECTIONS:=64}" "${COLD_WINDOWS:=6}"
: "${NODE_JAVA_OPTS:=}" "${GATEWAY_JAVA_OPTS:=}" "${AOT:=false}"
# Two sockets per relayed connection in the proxy: 5,000 stays under the 20,000 open files a process may hold here.
: "${RELAY_STEPS:=1000,5000}"
NODE_JAR=ws-node/target/ws-node.jar
SECTIONS=${*:-node memory cluster gateway relay-memory rest}
OUT=bench/results/latest.jsonl
mkdir -p bench/results
touch "$OUT"

pick_java() {
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$home/bin/java" ] && "$home/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
      export JAVA_HOME=$home; return
    fi
  done
  echo "need a JDK 21+" >&2; exit 1
}
pick_java
JAVA=$JAVA_HOME/bin/java

if [ ! -f ws-node/target/ws-node.jar ] || [ ! -f ws-client/target/ws-client.jar ]; then
  ./mvnw -q -DskipTests package
fi

if [ "$AOT" = true ]; then
  echo "== recording ws-node's JDK AOT cache (training run: start, warm the send path, exit)"
  rm -rf bench/results/aot
  "$JAVA" -Djarmode=tools -jar "$NODE_JAR" extract --destination bench/results/aot > /dev/null
  "$JAVA" -Xms512m -Xmx2g -XX:AOTCacheOutput=bench/results/aot/ws-node.aot -jar bench/results/aot/ws-node.jar --server.port=0 \
      --wsgrid.auth.mode=none --wsgrid.node.warmup.exit-after=true > bench/results/aot-training.log 2>&1
  NODE_JAR=bench/results/aot/ws-node.jar
  NODE_JAVA_OPTS="$NODE_JAVA_OPTS -XX:AOTCache=bench/results/aot/ws-node.aot"
fi

# Servers are started inside $(...) subshells, so their pids go to a file the exit trap reads.
PIDFILE=$(mktemp)
cleanup() { xargs -r kill < "$PIDFILE" 2>/dev/null || true; rm -f "$PIDFILE"; }
trap cleanup EXIT

wait_http() { for _ in $(seq 1 120); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1" >&2; return 1; }

start_node() { # port [extra args...] -> pid
  local port=$1; shift
  # shellcheck disable=SC2086 # NODE_JAVA_OPTS is a list of options
  "$JAVA" -Xms512m -Xmx2g $NODE_JAVA_OPTS -jar "$NODE_JAR" --server.port="$port" --wsgrid.auth.mode=none \
      --wsgrid.node.id="bench-$port" --wsgrid.node.session.rate-limit.messages-per-second=1000000 \
      --wsgrid.node.session.rate-limit.burst=1000000 "$@" > "bench/results/ws-node-$port.log" 2>&1 &
  echo $! >> "$PIDFILE"; wait_http "http://127.0.0.1:$port/actuator/health/readiness"; echo "$!"
}

start_node_peer() { # script package port -> pid; installs the package from npm into a temporary folder
  local dir; dir=$(mktemp -d)
  cp "bench/peers/$1" "$dir/"
  (cd "$dir" && npm init -y >/dev/null 2>&1 && npm install --silent "$2" >/dev/null 2>&1)
  (cd "$dir" && exec node "$1" "$3") > "bench/results/$1-$3.log" 2>&1 &
  echo $! >> "$PIDFILE"; for _ in $(seq 1 60); do (exec 3<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null && break; sleep 0.5; done; echo "$!"
}

bench() { # label, args... -> prints table, appends JSON with the label
  local label=$1; shift
  local json
  json=$("$JAVA" -jar ws-client/target/ws-client.jar bench "$@" --json --no-progress)
  # A rerun of a section replaces its rows and keeps the other sections' rows.
  grep -vF "\"label\":\"$label\"}" "$OUT" > "$OUT.tmp" || true
  mv "$OUT.tmp" "$OUT"
  echo "${json%\}},\"label\":\"$label\"}" >> "$OUT"
  printf '%-28s %s\n' "$label" "$json"
}

warm() { # args... -> runs the load generator without recording anything (a warm-up)
  "$JAVA" -jar ws-client/target/ws-client.jar bench "$@" --json --no-progress > /dev/null
}

if [[ " $SECTIONS " == *" node "* ]]; then
  echo "== fan-out: $MESSAGES broadcasts to $CONNECTIONS connections"
  NODE_PID=$(start_node 18081)
  PEER_PID=$(start_node_peer node-ws-server.mjs ws@8 18090)
  SIO_PID=$(start_node_peer socketio-server.mjs socket.io@4 18095)
  # Both servers first carry the same unrecorded floods, so the measured runs see compiled code (the JVM's JIT
  # needs tens of seconds under load; V8's is quicker), as the rest section's WARMUP does.
  for _ in $(seq 1 "$FANOUT_WARMUP_RUNS"); do
    warm fanout --url ws://127.0.0.1:18081/ws --connections "$CONNECTIONS" --messages "$MESSAGES"
    warm fanout --url ws://127.0.0.1:18090/ws --connections "$CONNECTIONS" --messages "$MESSAGES"
  done
  bench "ws-node flood"        fanout --url ws://127.0.0.1:18081/ws --connections "$CONNECTIONS" --messages "$MESSAGES" --server-pid "$NODE_PID"
  bench "node-ws flood"        fanout --url ws://127.0.0.1:18090/ws --connections "$CONNECTIONS" --messages "$MESSAGES" --server-pid "$PEER_PID"
  bench "socket.io flood"      fanout --url "ws://127.0.0.1:18095/socket.io/?EIO=4&transport=websocket" --socket-io \
      --connections "$CONNECTIONS" --messages "$MESSAGES" --server-pid "$SIO_PID"
  bench "ws-node 10/s"         fanout --url ws://127.0.0.1:18081/ws --connections "$CONNECTIONS" --messages 100 --rate 10 --server-pid "$NODE_PID"
  bench "node-ws 10/s"         fanout --url ws://127.0.0.1:18090/ws --connections "$CONNECTIONS" --messages 100 --rate 10 --server-pid "$PEER_PID"
  kill "$NODE_PID" "$PEER_PID" "$SIO_PID"
fi

if [[ " $SECTIONS " == *" memory "* ]]; then
  echo "== memory per idle connection ($IDLE_STEPS)"
  NODE_PID=$(start_node 18082)
  bench "ws-node idle"         idle --url ws://127.0.0.1:18082/ws --steps "$IDLE_STEPS" --server-pid "$NODE_PID"
  kill "$NODE_PID"
fi

start_gateway() { # data-port admin-port backend-port [JVM options...] -> sets GW
  # The per-IP connect limit (50/s) is lifted: the load generator opens thousands from four loopback addresses.
  local port=$1 admin=$2 backend=$3; shift 3
  # shellcheck disable=SC2086 # GATEWAY_JAVA_OPTS is a list of options
  "$JAVA" "$@" $GATEWAY_JAVA_OPTS -jar gateway/target/gateway.jar --server.port="$admin" --wsgrid.gateway.port="$port" \
      --wsgrid.gateway.backends="http://127.0.0.1:$backend" --wsgrid.admin.password=bench \
      --wsgrid.gateway.connect-rate-per-ip=1000000 --wsgrid.gateway.connect-burst-per-ip=1000000 > "bench/results/gateway-$port.log" 2>&1 &
  GW=$!; echo $GW >> "$PIDFILE"; wait_http "http://127.0.0.1:$admin/actuator/health"
}

start_nginx() { # port backend-port -> sets NGX (master), NGX_PIDS (master and workers, comma-separated), NGINX_DIR
  if ! command -v nginx >/dev/null; then
    (apt-get install -y -qq nginx-light || (apt-get update -qq && apt-get install -y -qq nginx-light)) >/dev/null
  fi
  NGINX_DIR=$(mktemp -d)
  sed -e "s#__PORT__#$1#; s#__BACKEND__#127.0.0.1:$2#; s#__DIR__#$NGINX_DIR#g" bench/peers/nginx.conf > "$NGINX_DIR/nginx.conf"
  nginx -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" > "$NGINX_DIR/out.log" 2>&1 &
  NGX=$!; echo $NGX >> "$PIDFILE"; sleep 1
  NGX_PIDS=$(echo $NGX $(pgrep -P $NGX) | tr ' ' ',')
}

if [[ " $SECTIONS " == *" gateway "* ]]; then
  echo "== relay: $ECHO_CONNECTIONS connections in a closed ping loop for ${ECHO_SECONDS}s, through the gateway and through nginx"
  N=$(start_node 18087)
  start_gateway 18088 19091 18087 -Xms256m -Xmx1g
  start_nginx 18089 18087
  if ! command -v haproxy >/dev/null; then
    (apt-get install -y -qq haproxy || (apt-get update -qq && apt-get install -y -qq haproxy)) >/dev/null
  fi
  sed -e "s#__PORT__#18094#; s#__BACKEND__#127.0.0.1:18087#" bench/peers/haproxy.cfg > "$NGINX_DIR/haproxy.cfg"
  haproxy -db -f "$NGINX_DIR/haproxy.cfg" > "$NGINX_DIR/haproxy.log" 2>&1 &
  HAP=$!; echo $HAP >> "$PIDFILE"; sleep 1
  # Warm both JVMs first (not recorded), so neither proxy is measured against a cold node.
  "$JAVA" -jar ws-client/target/ws-client.jar bench echo --url ws://127.0.0.1:18088/ws --connections "$ECHO_CONNECTIONS" --duration 8s --no-progress > /dev/null
  bench "ws-node direct echo" echo --url ws://127.0.0.1:18087/ws --connections "$ECHO_CONNECTIONS" --duration "${ECHO_SECONDS}s" --server-pid "$N"
  bench "nginx echo"          echo --url ws://127.0.0.1:18089/ws --connections "$ECHO_CONNECTIONS" --duration "${ECHO_SECONDS}s" --server-pid "$NGX_PIDS"
  bench "haproxy echo"        echo --url ws://127.0.0.1:18094/ws --connections "$ECHO_CONNECTIONS" --duration "${ECHO_SECONDS}s" --server-pid "$HAP"
  if [ -n "${PROFILE_JFR:-}" ]; then # the gateway's measured window, recorded with JFR
    "$JAVA_HOME/bin/jcmd" "$GW" JFR.start settings=profile duration="${ECHO_SECONDS}s" filename="$PROFILE_JFR" > /dev/null
  fi
  bench "gateway echo"        echo --url ws://127.0.0.1:18088/ws --connections "$ECHO_CONNECTIONS" --duration "${ECHO_SECONDS}s" --server-pid "$GW"
  kill "$GW" "$NGX" "$HAP" "$N"
fi

if [[ " $SECTIONS " == *" relay-memory "* ]]; then
  echo "== relay memory: idle connections through the gateway and through nginx to one ws-node, slope over $RELAY_STEPS"
  N=$(start_node 18098)
  start_gateway 18099 19092 18098 -Xms256m -Xmx256m -XX:+AlwaysPreTouch
  start_nginx 18100 18098
  relay_row() { # label idle-json -> appends a relay row: heap slope + RSS slope (RSS alone when there is no heap)
    local row
    row=$(echo "$2" | jq -c --arg name "$1" '{scenario: "relay",
        kib_per_connection: (.rss_kib_per_connection + (.heap_kib_per_connection // 0)),
        heap_kib_per_connection: .heap_kib_per_connection, outside_heap_kib_per_connection: .rss_kib_per_connection,
        connections: .connections, still_open: .still_open, "label": $name}')
    grep -vF "\"label\":\"$1\"}" "$OUT" > "$OUT.tmp" || true; mv "$OUT.tmp" "$OUT"
    echo "$row" >> "$OUT"
    printf '%-28s %s\n' "$1" "$row"
  }
  idle_json() { "$JAVA" -jar ws-client/target/ws-client.jar bench idle "$@" --steps "$RELAY_STEPS" --json --no-progress; }
  relay_row "gateway idle relay" "$(idle_json --url ws://127.0.0.1:18099/ws --server-pid "$GW")"
  relay_row "nginx idle relay"   "$(idle_json --url ws://127.0.0.1:18100/ws --server-pid "$NGX_PIDS")"
  kill "$GW" "$NGX" "$N"
fi

if [[ " $SECTIONS " == *" cluster "* ]]; then
  echo "== cluster: $CLUSTER_MESSAGES user messages at $CLUSTER_RATE/s to $CLUSTER_USERS users"
  N=$(start_node 18083)
  bench "memory (1 node)"      direct --url ws://127.0.0.1:18083/ws --connections "$CLUSTER_USERS" --messages "$CLUSTER_MESSAGES" --rate "$CLUSTER_RATE"
  kill "$N"
  for bus in redis rabbitmq; do
    prefix="wsgrid-bench-$bus-$$"
    args=(--wsgrid.cluster.bus=$bus --wsgrid.cluster.redis.prefix=$prefix --wsgrid.cluster.rabbitmq.exchange=$prefix)
    A=$(start_node 18084 "${args[@]}"); B=$(start_node 18085 "${args[@]}"); C=$(start_node 18086 "${args[@]}")
    bench "$bus (3 nodes)"     direct --url ws://127.0.0.1:18084/ws,ws://127.0.0.1:18085/ws --rest http://127.0.0.1:18086 \
        --connections "$CLUSTER_USERS" --messages "$CLUSTER_MESSAGES" --rate "$CLUSTER_RATE"
    kill "$A" "$B" "$C"; sleep 2
  done
fi

if [[ " $SECTIONS " == *" rest "* ]]; then
  echo "== rest: wrk, $REST_CONNECTIONS keep-alive connections POSTing to $REST_USERS online users (${WARMUP}s warm-up, ${REST_SECONDS}s measured)"
  if ! command -v wrk >/dev/null; then
    (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)) >/dev/null
  fi
  WS_DIR=$(mktemp -d)
  cp bench/peers/hold-users.mjs "$WS_DIR/"
  (cd "$WS_DIR" && npm init -y >/dev/null 2>&1 && npm install --silent ws@8 >/dev/null 2>&1)
  cpu_us() { # pid -> user+system CPU of the process in µs (/proc ticks are 10 ms)
    cut -d')' -f2 "/proc/$1/stat" | awk '{ print ($12 + $13) * 10000 }'
  }
  hold_users() { # ws-url -> pid of a Node process holding REST_USERS connections (u0..), once all are connected
    local log; log=$(mktemp)
    (cd "$WS_DIR" && exec node hold-users.mjs "$1" "$REST_USERS") > "$log" 2>&1 &
    local pid=$!; echo $pid >> "$PIDFILE"
    for _ in $(seq 1 600); do grep -q ready "$log" && { echo $pid; return 0; }; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    cat "$log" >&2; echo "users did not connect to $1" >&2; return 1
  }
  WRK_OUT=$(mktemp)
  wrk_run() { # base-url seconds pid -> sets REQS, RPS, NON2XX, CPU_PER_REQ
    local before after
    before=$(cpu_us "$3")
    USERS=$REST_USERS wrk -t2 -c"$REST_CONNECTIONS" -d"$2"s -s bench/peers/rest-send.lua "$1" > "$WRK_OUT" 2>&1
    after=$(cpu_us "$3")
    REQS=$(awk '/requests in/ { print $1 }' "$WRK_OUT")
    RPS=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$WRK_OUT")
    NON2XX=$(awk '/Non-2xx/ { print $NF }' "$WRK_OUT"); NON2XX=${NON2XX:-0}
    ERRORS=$(awk '/Socket errors/ { print $0 }' "$WRK_OUT")
    CPU_PER_REQ=$(awk -v c=$((after - before)) -v n="$REQS" 'BEGIN { printf "%.1f", (n > 0 ? c / n : 0) }')
  }
  rest_row() { # label -> appends the last wrk_run as a JSON row
    grep -vF "\"label\":\"$1\"}" "$OUT" > "$OUT.tmp" || true; mv "$OUT.tmp" "$OUT"
    echo "{\"scenario\":\"rest\",\"requests_per_s\":$RPS,\"server_cpu_us_per_request\":$CPU_PER_REQ,\"non_2xx\":$NON2XX,\"requests\":$REQS,\"label\":\"$1\"}" >> "$OUT"
    printf '%-28s %s req/s, %s µs CPU/request, %s non-2xx %s\n' "$1" "$RPS" "$CPU_PER_REQ" "$NON2XX" "$ERRORS"
  }

  # ws-node from a cold start: readiness polled every 100 ms, users connected, then consecutive 10 s wrk windows.
  # shellcheck disable=SC2086
  "$JAVA" -Xms512m -Xmx2g $NODE_JAVA_OPTS -jar "$NODE_JAR" --server.port=18096 --wsgrid.auth.mode=none \
      --wsgrid.node.id=bench-rest > bench/results/ws-node-rest.log 2>&1 &
  N=$!; echo $N >> "$PIDFILE"; START=$(date +%s%N)
  until curl -sf -o /dev/null http://127.0.0.1:18096/actuator/health/readiness; do sleep 0.1; done
  READY=$(date +%s%N)
  H=$(hold_users ws://127.0.0.1:18096/ws)
  CONNECTED=$(date +%s%N)
  echo "ws-node ready $(( (READY - START) / 1000000 )) ms after exec; $REST_USERS users connected $(( (CONNECTED - READY) / 1000000 )) ms later"
  WINDOWS=(); FIRST_CPU=
  for w in $(seq 1 "$COLD_WINDOWS"); do
    wrk_run http://127.0.0.1:18096 10 "$N"
    WINDOWS+=("$RPS"); FIRST_CPU=${FIRST_CPU:-$CPU_PER_REQ}
    printf 'ws-node cold window %d: %s req/s, %s µs CPU/request, %s non-2xx\n' "$w" "$RPS" "$CPU_PER_REQ" "$NON2XX"
  done
  # The cold windows already warmed ws-node for longer than WARMUP; top it up to WARMUP if they did not.
  [ $((COLD_WINDOWS * 10)) -ge "$WARMUP" ] || wrk_run http://127.0.0.1:18096 $((WARMUP - COLD_WINDOWS * 10)) "$N"
  if [ -n "${PROFILE_JFR:-}" ]; then # a JFR recording of the warmed, measured window (jfr print / jfr view on it)
    "$JAVA_HOME/bin/jcmd" "$N" JFR.start settings=profile duration="${REST_SECONDS}s" filename="$PROFILE_JFR" > /dev/null
  fi
  wrk_run http://127.0.0.1:18096 "$REST_SECONDS" "$N"
  rest_row "ws-node rest"
  STEADY=$RPS
  kill "$H" "$N"

  P=$(start_node_peer node-ws-server.mjs ws@8 18097)
  H=$(hold_users ws://127.0.0.1:18097/ws)
  wrk_run http://127.0.0.1:18097 "$WARMUP" "$P"
  wrk_run http://127.0.0.1:18097 "$REST_SECONDS" "$P"
  rest_row "node-ws rest"
  kill "$H" "$P"

  label="ws-node cold start"
  grep -vF "\"label\":\"$label\"}" "$OUT" > "$OUT.tmp" || true; mv "$OUT.tmp" "$OUT"
  echo "{\"scenario\":\"coldstart\",\"window_1_per_s\":${WINDOWS[0]},\"window_2_per_s\":${WINDOWS[1]:-0},\"window_3_per_s\":${WINDOWS[2]:-0},\"steady_per_s\":$STEADY,\"first_window_cpu_us_per_request\":$FIRST_CPU,\"ready_ms\":$(( (READY - START) / 1000000 )),\"windows\":\"${WINDOWS[*]}\",\"label\":\"$label\"}" >> "$OUT"
  echo "ws-node cold start windows (req/s per 10 s from ready): ${WINDOWS[*]}; steady $STEADY"
  rm -rf "$WS_DIR" "$WRK_OUT"
fi

echo
if [[ " $SECTIONS " == *" rest "* ]] && [ "$SECTIONS" = "rest" ]; then
  # Only the REST section ran: rewrite its block of the page and keep the other sections' tables as they are.
  "$JAVA" -jar ws-client/target/ws-client.jar bench-report "$OUT" --rest-page docs/benchmarks.md
else
  "$JAVA" -jar ws-client/target/ws-client.jar bench-report "$OUT" --page docs/benchmarks.md --chart docs/benchmarks.png
fi
