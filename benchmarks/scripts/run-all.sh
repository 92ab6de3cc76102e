#!/usr/bin/env bash
# Load benchmarks of the Gemini gateway against its baselines, in one run (docs/BENCHMARKS.md, "Load benchmarks").
#
#   bash benchmarks/scripts/run-all.sh [--quick] [--no-build | --jars DIR] [--skip PHASES] [--out DIR]
#
# Builds what it needs, starts the gemini-simulator (separate JVM, static fast answers) and, side by side:
#   a  the client straight to the simulator            b  a bare Spring Cloud Gateway route (no filters of ours)
#   c  the sample gateway as a user runs it: product defaults, configured by environment variables only (ClientAuth,
#      ClientRateLimit, TokenLimit, KeyRotation, KeyHealthFeedback, quota scheduling, access log at INFO)
#   d  the same with the Redis store (REDIS_URL; redis-server started here)
#   e  the Portkey open-source gateway (npm @portkey-ai/gateway, loadbalance over the same keys)
#   ct (optional, VARIANTS="a b c d e ct") "tuned": (c) with the bench profile (application-bench.yml: WARN logging,
#      a larger pool), to show what those settings buy; never the headline figure
#   c0 (optional) (c) with only -Xmx256m instead of the benchmark JVM flags, to show what JVM tuning buys
#   cb (optional, with BASELINE_JAR=<an older sample-gateway.jar>) (c) run from that jar: before/after in one run
# then runs wrk against them in alternation (a b c d e a b ...), the streaming probe, the soak, the concurrent
# streams run and the JMH micro benchmarks. Raw results and summary.md go to benchmarks/results/<timestamp>/.
#
# PHASES (comma-separated, for --skip): load, profile, stream, soak, concurrency, jmh; also redis (no variant d).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRIPTS="$ROOT/benchmarks/scripts"
MODE=full
BUILD=1
SKIP=""
OUT=""
JARS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) MODE=quick ;;
    --no-build) BUILD=0 ;;
    --skip) SKIP="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --jars) JARS="$2"; BUILD=0; shift ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
skipped() { [[ ",$SKIP," == *",$1,"* ]]; }

if [[ $MODE == full ]]; then
  WARMUP=${WARMUP:-60}; DURATION=${DURATION:-10}; RUNS=${RUNS:-3}; CONCURRENCY=${CONCURRENCY:-"1 16 64"}
  SOAK=${SOAK:-600}; STREAMS=${STREAMS:-5000}; STREAM_RAMP=${STREAM_RAMP:-15}; STREAM_CHUNKS=${STREAM_CHUNKS:-60}
  PROBE_STREAMS=${PROBE_STREAMS:-20}; PROBE_ROUNDS=${PROBE_ROUNDS:-2}; JMH_ARGS=${JMH_ARGS:-"-wi 2 -i 3 -w 1 -r 1 -f 1"}
else
  WARMUP=${WARMUP:-15}; DURATION=${DURATION:-5}; RUNS=${RUNS:-2}; CONCURRENCY=${CONCURRENCY:-"1 16 64"}
  SOAK=${SOAK:-60}; STREAMS=${STREAMS:-1000}; STREAM_RAMP=${STREAM_RAMP:-5}; STREAM_CHUNKS=${STREAM_CHUNKS:-15}
  PROBE_STREAMS=${PROBE_STREAMS:-15}; PROBE_ROUNDS=${PROBE_ROUNDS:-1}; JMH_ARGS=${JMH_ARGS:-"-wi 1 -i 2 -w 1 -r 1 -f 1"}
fi
VARIANTS=${VARIANTS:-"a b c d e"}
# The gateways' JVM: the heap cap of the targets, plus what the tuning settled on (BENCHMARKS.md, tuning).
# ioWorkerCount=2: one event loop per core instead of reactor-netty's minimum of 4 (the largest gain measured);
# -Xms64m -Xmn32m: the heap grows from a small size instead of committing all 256 MB at once (RSS).
GATEWAY_JVM=${GATEWAY_JVM:-"-Xms64m -Xmx256m -Xmn32m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m -Dreactor.netty.ioWorkerCount=2"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# c0: the sample gateway as shipped, with only the heap cap.
DEFAULT_JVM=${DEFAULT_JVM:-"-Xmx256m"}
SIM_JVM=${SIM_JVM:-"-Xmx1g -XX:+UseSerialGC -Dreactor.netty.ioWorkerCount=2"}
PORTKEY_VERSION=${PORTKEY_VERSION:-1.15.2}
CLIENT_TOKEN="bench-client-token-0123456789"
KEY_COUNT=10

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="${OUT:-$ROOT/benchmarks/results/$STAMP-$MODE}"
mkdir -p "$RUN/bin" "$RUN/logs" "$RUN/load" "$RUN/stream"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }
log "mode=$MODE run=$RUN"

# ---------------------------------------------------------------------------------------------------------------
# Tools
# Every open stream costs the gateway two descriptors (client and upstream); raise the soft limit as far as allowed.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log "file-descriptor limit: $(ulimit -n)"
if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  (apt-get update -qq && apt-get install -y -qq wrk) >>"$RUN/logs/apt.log" 2>&1
fi
for tool in java jcmd python3 curl; do command -v "$tool" >/dev/null || { log "missing $tool"; exit 1; }; done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# ---------------------------------------------------------------------------------------------------------------
# Build (copies of the jars, so another build in the tree cannot swap them mid-run)
cd "$ROOT"
if [[ $BUILD == 1 ]]; then
  log "building simulator, sample gateway, benchmarks"
  ./mvnw -B -ntp -q -pl gemini-simulator,sample-gateway,benchmarks -am package -DskipTests >"$RUN/logs/build.log" 2>&1 \
    || { log "build failed: see $RUN/logs/build.log"; exit 1; }
  ./mvnw -B -ntp -q -f benchmarks/scripts/bare-gateway/pom.xml package -DskipTests >>"$RUN/logs/build.log" 2>&1 \
    || { log "bare gateway build failed"; exit 1; }
fi
if [[ -n $JARS ]]; then
  cp "$JARS"/{gemini-simulator,sample-gateway,benchmarks,bare-gateway}.jar "$RUN/bin/"
else
  cp gemini-simulator/target/gemini-simulator.jar sample-gateway/target/sample-gateway.jar \
     benchmarks/target/benchmarks.jar benchmarks/scripts/bare-gateway/target/bare-gateway.jar "$RUN/bin/"
fi
cp sample-gateway/src/main/resources/application-bench.yml "$RUN/bin/"
if [[ " $VARIANTS " == *" cb "* ]]; then
  [[ -f ${BASELINE_JAR:-} ]] || { echo "variant cb needs BASELINE_JAR=<sample-gateway.jar>" >&2; exit 2; }
  cp "$BASELINE_JAR" "$RUN/bin/sample-gateway-baseline.jar"
fi
BIN="$RUN/bin"

# The Redis store's libraries, when the sample gateway does not bundle them: put beside it on a loader.path.
REDIS_LAUNCH=""
if unzip -l "$BIN/sample-gateway.jar" | grep -q 'BOOT-INF/lib/spring-data-redis'; then
  REDIS_LAUNCH="jar"
elif ! skipped redis; then
  mkdir -p "$BIN/redis-libs"
  if ./mvnw -B -ntp -q -f benchmarks/scripts/redis-libs/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
       -DoutputDirectory="$BIN/redis-libs" >>"$RUN/logs/build.log" 2>&1; then
    bundled="$(unzip -Z1 "$BIN/sample-gateway.jar" 'BOOT-INF/lib/*' | sed 's#BOOT-INF/lib/##')"
    for jar in "$BIN"/redis-libs/*.jar; do
      name="$(basename "$jar")"
      if grep -qxF "$name" <<<"$bundled"; then
        rm -f "$jar"
      fi
    done
    REDIS_LAUNCH="loader"
    log "Redis libraries added on loader.path: $(ls "$BIN/redis-libs" | tr '\n' ' ')"
  fi
fi
if skipped redis || [[ -z $REDIS_LAUNCH ]] || ! command -v redis-server >/dev/null; then
  log "variant d (Redis) cannot run: no Redis libraries or no redis-server"
  VARIANTS="${VARIANTS//d/}"
fi

# Portkey, in a temporary directory (nothing committed)
PORTKEY_DIR=""
if [[ " $VARIANTS " == *" e "* ]]; then
  PORTKEY_DIR="${PORTKEY_DIR_OVERRIDE:-/tmp/gemini-bench-portkey-$PORTKEY_VERSION}"
  if [[ ! -f $PORTKEY_DIR/node_modules/@portkey-ai/gateway/build/start-server.js ]]; then
    log "installing @portkey-ai/gateway@$PORTKEY_VERSION from npm into $PORTKEY_DIR"
    mkdir -p "$PORTKEY_DIR"
    (cd "$PORTKEY_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund "@portkey-ai/gateway@$PORTKEY_VERSION") \
      >>"$RUN/logs/npm.log" 2>&1 || { log "Portkey install failed: variant e skipped"; VARIANTS="${VARIANTS//e/}"; }
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# Processes (only these are stopped at the end, by their pid)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in 1 2 3 4 5; do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 1
  done
  for pid in "${PIDS[@]}"; do { kill -9 "$pid" && wait "$pid"; } 2>/dev/null || true; done
}
trap cleanup EXIT

wait_http() { # url, seconds
  local deadline=$((SECONDS + $2))
  while (( SECONDS < deadline )); do
    curl -s -o /dev/null -m 2 "$1" && return 0
    sleep 1
  done
  return 1
}

SIM_PORT=$(free_port)
SIM="http://127.0.0.1:$SIM_PORT"
KEYS=""
{
  echo "host: 127.0.0.1"; echo "port: $SIM_PORT"; echo "recordLimit: 0"
  echo "streaming: { chunks: 4, intervalMs: 0 }"; echo "keys:"
  for i in $(seq 1 $KEY_COUNT); do
    key=$(printf 'sim-bench-key-%02d' "$i"); project="project-$(( (i + 1) / 2 ))"
    echo "  - { key: $key, project: $project }"
    KEYS="${KEYS:+$KEYS,}$key@$project"
  done
} >"$RUN/sim.yml"
log "starting simulator on $SIM_PORT"
java $SIM_JVM -jar "$BIN/gemini-simulator.jar" --config "$RUN/sim.yml" >"$RUN/logs/sim.log" 2>&1 &
SIM_PID=$!; PIDS+=("$SIM_PID")
wait_http "$SIM/__sim/health" 60 || { log "simulator did not start"; exit 1; }

declare -A PID URL PATHS AUTH HEADER
PID[a]=$SIM_PID; URL[a]=$SIM; PATHS[a]=/v1beta/openai/chat/completions; AUTH[a]="Bearer sim-bench-key-01"; HEADER[a]=""

start_gateway() { # variant, port, jvm flags, launch (jar|loader), profile (product|tuned), extra args...
  local v=$1 port=$2 jvm=$3 launch=$4 profile=$5; shift 5
  local cmd=(java $jvm) jar="$BIN/sample-gateway.jar"
  [[ $v == cb ]] && jar="$BIN/sample-gateway-baseline.jar"
  if [[ $launch == loader ]]; then
    cmd+=(-Dloader.path="$BIN/redis-libs" -cp "$jar" org.springframework.boot.loader.launch.PropertiesLauncher)
  else
    cmd+=(-jar "$jar")
  fi
  if [[ $profile == tuned ]]; then
    BENCH_UPSTREAM_URL=$SIM BENCH_GEMINI_KEYS=$KEYS BENCH_CLIENT_TOKEN=$CLIENT_TOKEN PORT=$port \
      "${cmd[@]}" --spring.profiles.active=bench --spring.config.additional-location="file:$BIN/application-bench.yml" \
      --server.port="$port" "$@" >"$RUN/logs/$v.log" 2>&1 &
  else
    # Product defaults: the variables of the sample's README, nothing else. The upstream pool is raised (by a
    # variable too) only so that the concurrent-streams phase can hold 5,000 streams; it does not change -c16.
    env GEMINI_API_KEYS="$KEYS" GEMINI_BASE_URL="$SIM" GATEWAY_CLIENT_TOKENS="$CLIENT_TOKEN" \
      GATEWAY_ADMIN_TOKEN=bench-admin-token-0123 PORT="$port" SPRING_CLOUD_GATEWAY_SERVER_WEBFLUX_HTTPCLIENT_POOL_MAXCONNECTIONS=8000 \
      ${REDIS_URL_ENV:+REDIS_URL=$REDIS_URL_ENV} "${cmd[@]}" "$@" >"$RUN/logs/$v.log" 2>&1 &
  fi
  PID[$v]=$!; PIDS+=("$!")
  URL[$v]="http://127.0.0.1:$port"; PATHS[$v]=/v1/chat/completions; AUTH[$v]="Bearer $CLIENT_TOKEN"; HEADER[$v]=""
}

for v in $VARIANTS; do
  case $v in
    a) ;;
    b)
      port=$(free_port)
      java $GATEWAY_JVM -jar "$BIN/bare-gateway.jar" --spring.config.additional-location="file:$BIN/application-bench.yml" \
        --server.port="$port" \
        --spring.cloud.gateway.server.webflux.routes[0].id=bare \
        --spring.cloud.gateway.server.webflux.routes[0].uri="$SIM" \
        '--spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/v1/**' \
        '--spring.cloud.gateway.server.webflux.routes[0].filters[0]=RewritePath=/v1/(?<rest>.*), /v1beta/openai/$\{rest}' \
        >"$RUN/logs/b.log" 2>&1 &
      PID[b]=$!; PIDS+=("$!")
      URL[b]="http://127.0.0.1:$port"; PATHS[b]=/v1/chat/completions; AUTH[b]="Bearer sim-bench-key-01"; HEADER[b]="" ;;
    c) start_gateway c "$(free_port)" "$GATEWAY_JVM" jar product ;;
    ct) start_gateway ct "$(free_port)" "$GATEWAY_JVM" jar tuned ;;
    cb) start_gateway cb "$(free_port)" "$GATEWAY_JVM" jar product ;;
    c0)
      # Product defaults with the JVM's default collector and heap sizing (only the heap cap).
      MALLOC_ARENA_MAX= start_gateway c0 "$(free_port)" "$DEFAULT_JVM" jar product ;;
    d)
      REDIS_PORT=$(free_port)
      redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$RUN/logs/redis.log" 2>&1 &
      REDIS_PID=$!; PIDS+=("$REDIS_PID")
      sleep 1
      REDIS_URL_ENV="redis://127.0.0.1:$REDIS_PORT" start_gateway d "$(free_port)" "$GATEWAY_JVM" "$REDIS_LAUNCH" product ;;
    e)
      port=$(free_port)
      (cd "$PORTKEY_DIR" && exec node node_modules/@portkey-ai/gateway/build/start-server.js --port="$port" --headless) \
        >"$RUN/logs/e.log" 2>&1 &
      PID[e]=$!; PIDS+=("$!")
      targets=""
      for i in $(seq 1 $KEY_COUNT); do
        targets="${targets:+$targets,}{\"provider\":\"openai\",\"api_key\":\"$(printf 'sim-bench-key-%02d' "$i")\",\"custom_host\":\"$SIM/v1beta/openai\",\"weight\":1}"
      done
      URL[e]="http://127.0.0.1:$port"; PATHS[e]=/v1/chat/completions; AUTH[e]=""
      HEADER[e]="x-portkey-config: {\"strategy\":{\"mode\":\"loadbalance\"},\"targets\":[$targets]}" ;;
  esac
done

# Ready when a real chat completion answers 200.
probe() { # variant -> http status of one chat completion
  local v=$1 args=(-s -o /dev/null -w '%{http_code}' -m 10 -H 'Content-Type: application/json')
  [[ -n ${AUTH[$v]} ]] && args+=(-H "Authorization: ${AUTH[$v]}")
  [[ -n ${HEADER[$v]} ]] && args+=(-H "${HEADER[$v]}")
  curl "${args[@]}" -d '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"ping"}]}' \
    "${URL[$v]}${PATHS[$v]}" || true
}
READY=""
for v in $VARIANTS; do
  deadline=$((SECONDS + 240)); status=000
  while (( SECONDS < deadline )); do
    status=$(probe "$v"); [[ $status == 200 ]] && break; sleep 2
  done
  if [[ $status == 200 ]]; then READY="$READY $v"; else log "variant $v not ready (last status $status): dropped, see logs/$v.log"; fi
done
VARIANTS="$READY"
log "ready:$VARIANTS"

# ---------------------------------------------------------------------------------------------------------------
# Measurement helpers
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
load1() { cut -d' ' -f1 /proc/loadavg; }
is_jvm() { [[ $1 != e ]]; }
CLK_TCK=$(getconf CLK_TCK)

run_wrk() { # variant, connections, seconds, out json
  local v=$1
  BENCH_PATH=${PATHS[$v]} BENCH_AUTH=${AUTH[$v]} BENCH_EXTRA_HEADER=${HEADER[$v]} BENCH_OUT=$4 \
    wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"$3s" --timeout 10s -s "$SCRIPTS/chat.lua" "${URL[$v]}" >"$4.txt" 2>&1 || true
}

heap_after_gc() { # variant, label -> appends used KB to heap.csv
  local v=$1 pid=${PID[$1]}
  is_jvm "$v" || return 0
  jcmd "$pid" GC.run >/dev/null 2>&1 || true
  jcmd "$pid" GC.heap_info >"$RUN/load/heap-$v-$2.txt" 2>&1 || true
  local used
  used=$(grep -E 'generation|garbage-first heap|PSYoungGen|ParOldGen' "$RUN/load/heap-$v-$2.txt" \
         | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | awk '{s+=$1} END {print s+0}')
  echo "$v,$2,$used,$(rss_kb "$pid")" >>"$RUN/heap.csv"
}

echo "variant,label,heap_used_kb,rss_kb" >"$RUN/heap.csv"
{
  echo "mode=$MODE"; echo "date=$(date -u +%FT%TZ)"; echo "nproc=$(nproc)"
  echo "mem_total_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"; echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"; echo "java=$(java -version 2>&1 | head -1)"
  echo "node=$(node --version 2>/dev/null || echo none)"; echo "wrk=$(wrk -v 2>&1 | head -1)"
  echo "redis=$(redis-server --version 2>/dev/null | cut -d' ' -f3)"; echo "portkey=$PORTKEY_VERSION"
  echo "gateway_jvm=$GATEWAY_JVM"; echo "default_jvm=$DEFAULT_JVM"; echo "sim_jvm=$SIM_JVM"
  echo "warmup_s=$WARMUP"; echo "duration_s=$DURATION"; echo "runs=$RUNS"; echo "concurrency=$CONCURRENCY"
  echo "variants=$VARIANTS"; echo "soak_s=$SOAK"; echo "streams=$STREAMS"; echo "keys=$KEY_COUNT"
  echo "git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"; echo "command=bash benchmarks/scripts/run-all.sh ${MODE/full/}"
} >"$RUN/machine.txt"

for v in $VARIANTS; do heap_after_gc "$v" idle; done

# ---------------------------------------------------------------------------------------------------------------
# Phase 1: throughput and latency, alternating variants
if ! skipped load; then
  for v in $VARIANTS; do
    secs=$WARMUP; [[ $v == a ]] && secs=$(( WARMUP < 15 ? WARMUP : 15 ))
    log "warm-up $v ${secs}s"
    run_wrk "$v" 16 "$secs" "$RUN/load/warmup-$v.json"
  done
  echo "variant,connections,round,rps,p50_us,p90_us,p99_us,max_us,requests,errors,cpu_ms_per_req,sim_cpu_ms_per_req,cpu_util,rss_kb,hwm_kb,load1" \
    >"$RUN/load.csv"
  for round in $(seq 1 "$RUNS"); do
    for conns in $CONCURRENCY; do
      for v in $VARIANTS; do
        pid=${PID[$v]}; out="$RUN/load/$v-c$conns-r$round.json"
        t0=$(cpu_ticks "$pid"); s0=$(cpu_ticks "$SIM_PID"); w0=$(date +%s.%N)
        run_wrk "$v" "$conns" "$DURATION" "$out"
        t1=$(cpu_ticks "$pid"); s1=$(cpu_ticks "$SIM_PID"); w1=$(date +%s.%N)
        python3 - "$out" "$v" "$conns" "$round" "$t0" "$t1" "$s0" "$s1" "$w0" "$w1" "$CLK_TCK" \
          "$(rss_kb "$pid")" "$(hwm_kb "$pid")" "$(load1)" >>"$RUN/load.csv" <<'PY'
import json, sys
out, v, conns, rnd, t0, t1, s0, s1, w0, w1, tck, rss, hwm, load = sys.argv[1:]
try:
    r = json.load(open(out))
except Exception:
    r = {"rps": 0, "p50_us": 0, "p90_us": 0, "p99_us": 0, "max_us": 0, "requests": 0}
    r.update({k: 0 for k in ("errors_connect", "errors_read", "errors_write", "errors_status", "errors_timeout")})
n = max(1, r["requests"])
cpu_ms = (int(t1) - int(t0)) * 1000 / int(tck)
sim_ms = 0 if v == "a" else (int(s1) - int(s0)) * 1000 / int(tck)
wall = float(w1) - float(w0)
errors = sum(r[k] for k in ("errors_connect", "errors_read", "errors_write", "errors_status", "errors_timeout"))
print(f'{v},{conns},{rnd},{r["rps"]},{r["p50_us"]},{r["p90_us"]},{r["p99_us"]},{r["max_us"]},{r["requests"]},{errors},'
      f'{cpu_ms / n:.4f},{sim_ms / n:.4f},{cpu_ms / 1000 / wall:.3f},{rss},{hwm},{load}')
PY
        log "$(tail -1 "$RUN/load.csv")"
        sleep 1
      done
    done
  done
  for v in $VARIANTS; do heap_after_gc "$v" after-load; done
fi

# ---------------------------------------------------------------------------------------------------------------
# Phase 1b: where (c)'s CPU goes (JFR execution samples during 20 s of load at 16 connections)
if ! skipped profile && [[ " $VARIANTS " == *" c "* ]]; then
  log "profiling c with JFR"
  jcmd "${PID[c]}" JFR.start name=bench settings=profile duration=22s filename="$RUN/c.jfr" >/dev/null 2>&1 || true
  run_wrk c 16 20 "$RUN/load/profile-c.json"
  sleep 4
  if [[ -f $RUN/c.jfr ]]; then
    jfr print --events jdk.ExecutionSample --stack-depth 64 "$RUN/c.jfr" >"$RUN/c-samples.txt" 2>/dev/null || true
    python3 "$SCRIPTS/jfr-top.py" "$RUN/c-samples.txt" >"$RUN/profile-c.txt" 2>&1 || true
    rm -f "$RUN/c-samples.txt"
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# Phase 2: streaming latency (one stream at a time): first event and gaps, simulator paced 10 events x 50 ms
if ! skipped stream; then
  curl -s -o /dev/null -X POST "$SIM/__sim/streaming" -H 'Content-Type: application/json' -d '{"chunks":10,"intervalMs":50}'
  for round in $(seq 1 "$PROBE_ROUNDS"); do
    for v in $VARIANTS; do
      log "stream probe $v round $round"
      java -Xmx256m -cp "$BIN/benchmarks.jar" dev.geminigateway.bench.load.StreamProbe --url "${URL[$v]}${PATHS[$v]}" \
        --auth "${AUTH[$v]}" --header "${HEADER[$v]}" --streams "$PROBE_STREAMS" --warmup 5 --label "$v" \
        --out "$RUN/stream/$v-r$round.json" >>"$RUN/logs/stream.log" 2>&1 || log "stream probe $v failed"
    done
  done
  curl -s -o /dev/null -X POST "$SIM/__sim/streaming" -H 'Content-Type: application/json' -d '{"chunks":4,"intervalMs":0}'
fi

# ---------------------------------------------------------------------------------------------------------------
# Phase 3: soak of the full chain (in memory), RSS every 10 s
if ! skipped soak && [[ " $VARIANTS " == *" c "* ]]; then
  log "soak ${SOAK}s on c"
  heap_after_gc c soak-start
  echo "elapsed_s,rss_kb,cpu_ticks" >"$RUN/soak.csv"
  BENCH_PATH=${PATHS[c]} BENCH_AUTH=${AUTH[c]} BENCH_OUT="$RUN/load/soak.json" \
    wrk -t2 -c16 -d"${SOAK}s" --timeout 10s -s "$SCRIPTS/chat.lua" "${URL[c]}" >"$RUN/load/soak.txt" 2>&1 &
  WRK_PID=$!
  start=$SECONDS
  while kill -0 "$WRK_PID" 2>/dev/null; do
    echo "$((SECONDS - start)),$(rss_kb "${PID[c]}"),$(cpu_ticks "${PID[c]}")" >>"$RUN/soak.csv"
    sleep 10
  done
  wait "$WRK_PID" || true
  heap_after_gc c soak-end
fi

# ---------------------------------------------------------------------------------------------------------------
# Phase 4: many slow streams open at once through the full chain
if ! skipped concurrency && [[ " $VARIANTS " == *" c "* ]]; then
  log "concurrency: $STREAMS streams of $STREAM_CHUNKS events 1 s apart through c"
  echo "elapsed_s,rss_kb,fds" >"$RUN/concurrency.csv"
  java -Xmx2g -cp "$BIN/benchmarks.jar" dev.geminigateway.bench.load.ConcurrentStreams --url "${URL[c]}${PATHS[c]}" \
    --auth "${AUTH[c]}" --streams "$STREAMS" --ramp-seconds "$STREAM_RAMP" --chunks "$STREAM_CHUNKS" --interval-ms 1000 \
    --out "$RUN/concurrency.json" >"$RUN/logs/concurrency.log" 2>&1 &
  CS_PID=$!; PIDS+=("$CS_PID")
  start=$SECONDS
  while kill -0 "$CS_PID" 2>/dev/null; do
    echo "$((SECONDS - start)),$(rss_kb "${PID[c]}"),$(ls "/proc/${PID[c]}/fd" 2>/dev/null | wc -l)" >>"$RUN/concurrency.csv"
    sleep 2
  done
  wait "$CS_PID" || true
  heap_after_gc c after-streams
  echo "c,peak-rss-streams,0,$(hwm_kb "${PID[c]}")" >>"$RUN/heap.csv"
fi

for v in $VARIANTS; do echo "$v,final-hwm,0,$(hwm_kb "${PID[$v]}")" >>"$RUN/heap.csv"; done
echo "load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RUN/machine.txt"
cleanup; PIDS=()

# ---------------------------------------------------------------------------------------------------------------
# Phase 5: JMH (services stopped)
if ! skipped jmh; then
  log "JMH: key selection and outcome classification"
  echo "load_before_jmh=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RUN/machine.txt"
  java -jar "$BIN/benchmarks.jar" 'dev.geminigateway.bench.jmh.*' $JMH_ARGS -rf json -rff "$RUN/jmh.json" \
    >"$RUN/logs/jmh.log" 2>&1 || log "JMH failed: see logs/jmh.log"
fi

python3 "$SCRIPTS/summarize.py" "$RUN" >"$RUN/summary.md" || log "summary failed"
log "done: $RUN/summary.md"
cat "$RUN/summary.md"
