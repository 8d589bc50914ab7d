#!/usr/bin/env bash
# wsgrid benchmark suite. Starts every server it measures on loopback, runs the load generator against each in the
# same run (so ratios compare like with like on a shared, noisy machine), prints the figures and writes them as JSON
# lines to bench/results/latest.jsonl (a section run again replaces its own rows), then rewrites docs/benchmarks.md and
# docs/benchmarks.png from all rows. Every run is bounded in connections, messages and time and targets loopback only.
#
#   bench/run.sh [node] [memory]     (no argument: all sections)
#
# Sections:
#   node    fan-out of K broadcasts to N connections: ws-node vs a minimal Node.js `ws` server and a Socket.IO server
#   memory  RSS and heap per idle connection, slope between two connection counts
#   cluster user-directed sends through a third node to receivers on two others: memory vs redis vs rabbitmq
#   gateway echo round trips through the gateway vs nginx and HAProxy (Debian's, installed when missing) to one ws-node
#
# Knobs (environment): CONNECTIONS (5000), MESSAGES (200), IDLE_STEPS (1000,10000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

: "${CONNECTIONS:=5000}" "${MESSAGES:=200}"
# 50k idle connections need more than this machine's hard limit of 20k open files per process; raise IDLE_STEPS where
# `ulimit -n` allows it.
: "${IDLE_STEPS:=1000,10000,18000}"
: "${CLUSTER_RATE:=2000}" "${CLUSTER_MESSAGES:=20000}" "${CLUSTER_USERS:=1000}"
: "${ECHO_CONNECTIONS:=100}" "${ECHO_SECONDS:=15}"
SECTIONS=${*:-node memory cluster gateway}
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

# Servers are started inside $(...) subshells, so their pids go to a file the exit trap reads.
PIDFILE=$(mktemp)
cleanup() { xargs -r kill < "$PIDFILE" 2>/dev/null || true; rm -f "$PIDFILE"; }
trap cleanup EXIT

wait_http() { for _ in $(seq 1 120); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1" >&2; return 1; }

start_node() { # port [extra args...] -> pid
  local port=$1; shift
  "$JAVA" -Xms512m -Xmx2g -jar ws-node/target/ws-node.jar --server.port="$port" --wsgrid.auth.mode=none \
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

if [[ " $SECTIONS " == *" node "* ]]; then
  echo "== fan-out: $MESSAGES broadcasts to $CONNECTIONS connections"
  NODE_PID=$(start_node 18081)
  PEER_PID=$(start_node_peer node-ws-server.mjs ws@8 18090)
  SIO_PID=$(start_node_peer socketio-server.mjs socket.io@4 18095)
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

if [[ " $SECTIONS " == *" gateway "* ]]; then
  echo "== relay: $ECHO_CONNECTIONS connections in a closed ping loop for ${ECHO_SECONDS}s, through the gateway and through nginx"
  if ! command -v nginx >/dev/null; then
    (apt-get install -y -qq nginx-light || (apt-get update -qq && apt-get install -y -qq nginx-light)) >/dev/null
  fi
  N=$(start_node 18087)
  "$JAVA" -Xms256m -Xmx1g -jar gateway/target/gateway.jar --server.port=19091 --wsgrid.gateway.port=18088 \
      --wsgrid.gateway.backends=http://127.0.0.1:18087 --wsgrid.admin.password=bench > bench/results/gateway.log 2>&1 &
  GW=$!; echo $GW >> "$PIDFILE"; wait_http http://127.0.0.1:19091/actuator/health
  NGINX_DIR=$(mktemp -d)
  sed -e "s#__PORT__#18089#; s#__BACKEND__#127.0.0.1:18087#; s#__DIR__#$NGINX_DIR#g" bench/peers/nginx.conf > "$NGINX_DIR/nginx.conf"
  nginx -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" > "$NGINX_DIR/out.log" 2>&1 &
  NGX=$!; echo $NGX >> "$PIDFILE"; sleep 1
  NGX_PIDS=$(echo $NGX $(pgrep -P $NGX) | tr ' ' ',')
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
  bench "gateway echo"        echo --url ws://127.0.0.1:18088/ws --connections "$ECHO_CONNECTIONS" --duration "${ECHO_SECONDS}s" --server-pid "$GW"
  kill "$GW" "$NGX" "$HAP" "$N"
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

echo
"$JAVA" -jar ws-client/target/ws-client.jar bench-report "$OUT" --page docs/benchmarks.md --chart docs/benchmarks.png
