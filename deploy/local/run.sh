#!/usr/bin/env bash
# One command to a local wsgrid cluster: the gateway and three ws-nodes on the Redis bus.
#
#   deploy/local/run.sh            build what is missing, start, print the URLs; Ctrl-C (SIGINT) or kill (SIGTERM)
#                                  stops everything it started
#   deploy/local/run.sh --build    rebuild the jars first
#
# Uses the Redis answering on localhost:$REDIS_PORT (6379); when none does, starts an embedded redis-server taken
# from the embedded-redis jar on Maven Central, so presence, the cluster bus and offline queues work out of the box.
# Settings (environment): GATEWAY_PORT (8080), ADMIN_PORT (9090), NODE_PORTS ("8081 8082 8083"), REDIS_PORT (6379),
# ADMIN_PASSWORD (generated), WSGRID_PREFIX (wsgrid: the Redis key prefix), WSGRID_AOT (true: start the nodes from a
# JDK AOT cache on Java 25+), JAVA_HOME or java on the PATH.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
GATEWAY_PORT=${GATEWAY_PORT:-8080}
ADMIN_PORT=${ADMIN_PORT:-9090}
NODE_PORTS=${NODE_PORTS:-"8081 8082 8083"}
REDIS_PORT=${REDIS_PORT:-6379}
WSGRID_PREFIX=${WSGRID_PREFIX:-wsgrid}
EMBEDDED_REDIS=com.github.codemonstur:embedded-redis:1.4.3  # keep in step with embedded-redis.version in pom.xml
WORK=$ROOT/target/local-cluster
PIDS=()

say() { printf '[wsgrid] %s\n' "$*"; }
die() { say "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
redis_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'PING\r\n' >&3 && IFS= read -r -t 2 reply <&3 && [[ $reply == +PONG* ]]) 2>/dev/null
}

stop_all() {
  trap - INT TERM EXIT
  if [ ${#PIDS[@]} -gt 0 ]; then
    say "stopping ${#PIDS[@]} processes"
    kill "${PIDS[@]}" 2>/dev/null || true
    for _ in $(seq 1 100); do
      local alive=0
      for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.1
    done
    kill -9 "${PIDS[@]}" 2>/dev/null || true
  fi
  say "stopped"
}
# Ctrl-C in a terminal sends INT; kill, systemd, an IDE or a test harness send TERM. Either way the EXIT trap stops the
# processes. (A shell started in the background by another non-interactive shell ignores INT from birth and cannot trap
# it: stop such a run with TERM.)
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {split($2, v, "."); print v[1]}'; }

# JAVA_HOME, else java on the PATH; when that is older than 21, the newest JDK 21+ installed in the usual places.
pick_java() {
  local candidate=${JAVA_HOME:+$JAVA_HOME/bin/}java best="" best_major=0 major
  major=$(java_major "$candidate" 2>/dev/null || true)
  if [ "${major:-0}" -ge 21 ] 2>/dev/null; then
    # An absolute path, so the commands printed below work in a shell whose PATH finds an older java first.
    JAVA=$(command -v "$candidate")
    [[ $JAVA == /* ]] || JAVA=$PWD/$JAVA
    say "using $JAVA (Java $major)"
    return
  fi
  for home in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$home/bin/javac" ] || continue
    major=$(java_major "$home/bin/java")
    if [ "${major:-0}" -gt "$best_major" ]; then best=$home; best_major=$major; fi
  done
  [ "$best_major" -ge 21 ] || die "wsgrid needs a JDK 21 or newer: set JAVA_HOME to one"
  export JAVA_HOME=$best
  JAVA=$best/bin/java
  say "using the JDK in $JAVA_HOME (Java $best_major)"
}
pick_java

for port in $GATEWAY_PORT $ADMIN_PORT $NODE_PORTS; do
  port_open "$port" && die "port $port is taken; set GATEWAY_PORT, ADMIN_PORT or NODE_PORTS to free ones"
done

JARS=(ws-node/target/ws-node.jar gateway/target/gateway.jar ws-client/target/ws-client.jar)
missing=0
for jar in "${JARS[@]}"; do [ -f "$jar" ] || missing=1; done
if [ "${1:-}" = "--build" ] || [ $missing -eq 1 ]; then
  say "building the jars (./mvnw -q -DskipTests package; takes a few minutes the first time)"
  mkdir -p "$WORK"
  ./mvnw -q -DskipTests package 2> "$WORK/build.log" || die "the build failed; see $WORK/build.log"
fi

mkdir -p "$WORK"
if redis_answers "$REDIS_PORT"; then
  say "using the Redis on localhost:$REDIS_PORT"
else
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by something that is not Redis; set REDIS_PORT"
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) binary=redis-server-6.2.6-v5-linux-amd64 ;;
    Linux-aarch64 | Linux-arm64) binary=redis-server-6.2.7-linux-arm64 ;;
    Darwin-x86_64) binary=redis-server-6.2.6-v5-darwin-amd64 ;;
    Darwin-arm64) binary=redis-server-6.2.6-v5-darwin-arm64 ;;
    *) die "no embedded Redis for $(uname -s)-$(uname -m); start a Redis on port $REDIS_PORT" ;;
  esac
  if [ ! -x "$WORK/$binary" ]; then
    say "no Redis on localhost:$REDIS_PORT: fetching $EMBEDDED_REDIS"
    ./mvnw -q dependency:copy -Dartifact=$EMBEDDED_REDIS -DoutputDirectory="$WORK" 2> "$WORK/maven.log" \
      || die "could not fetch $EMBEDDED_REDIS; see $WORK/maven.log"
    (cd "$WORK" && "$(dirname "$(command -v "$JAVA")")/jar" xf embedded-redis-*.jar "$binary" && chmod +x "$binary")
  fi
  "$WORK/$binary" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no > "$WORK/redis.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do redis_answers "$REDIS_PORT" && break; sleep 0.2; done
  redis_answers "$REDIS_PORT" || die "embedded Redis did not start: $(tail -5 "$WORK/redis.log")"
  say "started an embedded Redis on localhost:$REDIS_PORT (nothing kept on disk)"
fi

ADMIN_PASSWORD=${ADMIN_PASSWORD:-$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')}
JVM=(-Xmx256m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED)
# Fast from the first second: on Java 25+ the nodes start from the JDK's AOT cache (JEP 483/514/515: classes loaded
# and linked, method profiles) recorded by one training run that starts a node, warms its REST send path and exits.
# The cache only covers classes on the plain class path, so the node runs from its extracted jar (lib/ beside it).
# Redone when the jar is newer than the cache; WSGRID_AOT=false turns it off.
NODE_JAR=ws-node/target/ws-node.jar
NODE_AOT=()
if [ "${WSGRID_AOT:-true}" = true ] && [ "$(java_major "$JAVA")" -ge 25 ]; then
  AOT_DIR=$WORK/ws-node-aot
  if [ ! -f "$AOT_DIR/ws-node.aot" ] || [ "$NODE_JAR" -nt "$AOT_DIR/ws-node.aot" ]; then
    say "recording the JDK AOT cache for ws-node (one training run, once per build)"
    rm -rf "$AOT_DIR"
    "$JAVA" -Djarmode=tools -jar "$NODE_JAR" extract --destination "$AOT_DIR" > "$WORK/aot-training.log" 2>&1
    "$JAVA" "${JVM[@]}" -XX:AOTCacheOutput="$AOT_DIR/ws-node.aot" -jar "$AOT_DIR/ws-node.jar" --server.port=0 \
      --wsgrid.auth.mode=none --wsgrid.node.warmup.exit-after=true >> "$WORK/aot-training.log" 2>&1 \
      || { say "AOT training run failed (see $WORK/aot-training.log): starting without the cache"; rm -f "$AOT_DIR/ws-node.aot"; }
  fi
  if [ -f "$AOT_DIR/ws-node.aot" ]; then
    NODE_JAR=$AOT_DIR/ws-node.jar
    NODE_AOT=(-XX:AOTCache="$AOT_DIR/ws-node.aot")
  fi
fi
backends=()
i=0
for port in $NODE_PORTS; do
  i=$((i + 1))
  "$JAVA" "${JVM[@]}" "${NODE_AOT[@]}" -jar "$NODE_JAR" --server.port="$port" --wsgrid.node.id="node$i" \
    --wsgrid.auth.mode=none --wsgrid.cluster.bus=redis --spring.data.redis.port="$REDIS_PORT" \
    --wsgrid.cluster.redis.prefix="$WSGRID_PREFIX" > "$WORK/node$i.log" 2>&1 &
  PIDS+=($!)
  backends+=("http://127.0.0.1:$port")
done
"$JAVA" "${JVM[@]}" -jar gateway/target/gateway.jar --server.port="$ADMIN_PORT" --wsgrid.gateway.port="$GATEWAY_PORT" \
  --wsgrid.gateway.backends="$(IFS=,; echo "${backends[*]}")" --wsgrid.admin.password="$ADMIN_PASSWORD" \
  > "$WORK/gateway.log" 2>&1 &
PIDS+=($!)
say "starting node1..node$i and the gateway (logs in ${WORK#"$ROOT"/})"

ready() { curl -fsS -o /dev/null "http://127.0.0.1:$1/actuator/health/readiness" 2>/dev/null || \
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /actuator/health/readiness HTTP/1.0\r\n\r\n' >&3 && IFS= read -r -t 2 line <&3 && [[ $line == *" 200 "* ]]) 2>/dev/null; }
for port in $NODE_PORTS $ADMIN_PORT; do
  # Generous: four JVMs starting at once on a busy two-core laptop or CI runner can take minutes.
  for _ in $(seq 1 1500); do
    ready "$port" && break
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || die "a process exited during startup; see $WORK/*.log"; done
    sleep 0.2
  done
  ready "$port" || die "port $port did not become ready in 300 s; see $WORK/*.log"
done

cat <<READY

  wsgrid is running: gateway + $i nodes on the Redis bus (prefix "$WSGRID_PREFIX", Redis on localhost:$REDIS_PORT)

  Admin UI      http://localhost:$ADMIN_PORT/          user admin, password $ADMIN_PASSWORD
  WebSocket     ws://localhost:$GATEWAY_PORT/ws?user_id=alice
  REST API      http://localhost:$GATEWAY_PORT/api/v1/...   (Swagger UI on a node: http://localhost:${NODE_PORTS%% *}/swagger-ui.html)

  Try it (with the Java this script found; a plain "java" may be older than 21):
    $(printf %q "$JAVA") -jar $(printf %q "$ROOT/ws-client/target/ws-client.jar") connect --url ws://localhost:$GATEWAY_PORT/ws --user alice
    curl -X POST -H 'Content-Type: application/json' -d '{"data":{"hello":"world"}}' \\
         http://localhost:$GATEWAY_PORT/api/v1/users/alice/messages

  Ctrl-C, or kill $$ from another terminal, stops everything this script started.
READY
say "ready"

while true; do
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || die "a process of the cluster exited; see $WORK/*.log"; done
  sleep 1
done
