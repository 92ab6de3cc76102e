#!/usr/bin/env bash
# Where the full chain's cost over a bare route comes from (docs/BENCHMARKS.md, "Cost by layer"): the bare route and
# the sample gateway with its route's filters added one layer at a time, measured side by side in alternated rounds.
#
#   bash benchmarks/scripts/ablation.sh [--jars DIR] [--out DIR]
#
#   b   bare Spring Cloud Gateway route (RewritePath; the client sends a Gemini key)      as in run-all.sh
#   p   the sample gateway, its route with RewritePath only (the client sends a Gemini key): what the application
#       adds before any filter of a route (Spring Security's firewall, request id, request meters, access log)
#   r   p + KeyRotation + KeyHealthFeedback (the client sends a client token from here on)
#   a   r + ClientAuth
#   t   a + TokenLimit
#   c   the product defaults, unchanged (t + ClientRateLimit)
#   cq  c with the access log off (logging.level.dev.geminigateway.access=WARN)
#   cb  c from BASELINE_JAR=<an older sample-gateway.jar>: before and after, in the same run
# Same JVM flags as run-all.sh for every gateway. Per round: requests/s (wrk -c16), CPU per request (/proc utime+stime)
# and bytes allocated per request (young collections in a GC log). Results go to benchmarks/results/<time>-ablation/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JARS=""; OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jars) JARS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n 2,19p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
VARIANTS=${VARIANTS:-"b p r a t c cq"}
WARMUP=${WARMUP:-60}; DURATION=${DURATION:-10}; RUNS=${RUNS:-3}; CONNECTIONS=${CONNECTIONS:-16}
GATEWAY_JVM=${GATEWAY_JVM:-"-Xms64m -Xmx256m -Xmn32m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m -Dreactor.netty.ioWorkerCount=2"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
CLIENT_TOKEN="bench-client-token-0123456789"
RUN="${OUT:-$ROOT/benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ)-ablation}"
mkdir -p "$RUN/bin" "$RUN/logs" "$RUN/load"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; } >>"$RUN/logs/apt.log" 2>&1

cd "$ROOT"
if [[ -z $JARS ]]; then
  log "building simulator, sample gateway, bare gateway"
  ./mvnw -B -ntp -q -pl gemini-simulator,sample-gateway -am package -DskipTests >"$RUN/logs/build.log" 2>&1
  ./mvnw -B -ntp -q -f benchmarks/scripts/bare-gateway/pom.xml package -DskipTests >>"$RUN/logs/build.log" 2>&1
  JARS="$RUN/bin"
  cp gemini-simulator/target/gemini-simulator.jar sample-gateway/target/sample-gateway.jar \
     benchmarks/scripts/bare-gateway/target/bare-gateway.jar "$JARS/"
fi
if [[ " $VARIANTS " == *" cb "* ]]; then
  [[ -f ${BASELINE_JAR:-} ]] || { echo "variant cb needs BASELINE_JAR=<sample-gateway.jar>" >&2; exit 2; }
fi

PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

SIM_PORT=$(free_port); KEYS=""
{
  echo "host: 127.0.0.1"; echo "port: $SIM_PORT"; echo "recordLimit: 0"; echo "keys:"
  for i in $(seq 1 10); do
    key=$(printf 'sim-bench-key-%02d' "$i"); project="project-$(( (i + 1) / 2 ))"
    echo "  - { key: $key, project: $project }"; KEYS="${KEYS:+$KEYS,}$key@$project"
  done
} >"$RUN/sim.yml"
java -Xmx1g -XX:+UseSerialGC -Dreactor.netty.ioWorkerCount=2 -jar "$JARS/gemini-simulator.jar" --config "$RUN/sim.yml" \
  >"$RUN/logs/sim.log" 2>&1 &
PIDS+=("$!")

declare -A PID PORT AUTH
ROUTE=--spring.cloud.gateway.server.webflux.routes[0]
REWRITE='RewritePath=/v1/(?<rest>.*), /v1beta/openai/$\{rest}'
route() { # the one route of a layer, with these filters
  local args=("$ROUTE.id=layer" "$ROUTE.uri=http://127.0.0.1:$SIM_PORT" "$ROUTE.predicates[0]=Path=/v1/**") i=0 filter
  for filter in "$@"; do args+=("$ROUTE.filters[$i]=$filter"); i=$((i + 1)); done
  printf '%s\n' "${args[@]}"
}
start() { # variant, jar, args...
  local v=$1 jar=$2; shift 2
  PORT[$v]=$(free_port); AUTH[$v]="Bearer $CLIENT_TOKEN"
  GEMINI_API_KEYS=$KEYS GEMINI_BASE_URL="http://127.0.0.1:$SIM_PORT" GATEWAY_CLIENT_TOKENS=$CLIENT_TOKEN \
    GATEWAY_ADMIN_TOKEN=bench-admin-token-0123 PORT="${PORT[$v]}" \
    java $GATEWAY_JVM "-Xlog:gc:file=$RUN/logs/$v.gc.log" -jar "$jar" "$@" >"$RUN/logs/$v.log" 2>&1 &
  PID[$v]=$!; PIDS+=("$!")
}
for v in $VARIANTS; do
  case $v in
    b) PORT[b]=$(free_port); AUTH[b]="Bearer sim-bench-key-01"
       mapfile -t args < <(route "$REWRITE")
       java $GATEWAY_JVM "-Xlog:gc:file=$RUN/logs/b.gc.log" -jar "$JARS/bare-gateway.jar" \
         --spring.config.additional-location="file:$ROOT/sample-gateway/src/main/resources/application-bench.yml" \
         --server.port="${PORT[b]}" "${args[@]}" >"$RUN/logs/b.log" 2>&1 &
       PID[b]=$!; PIDS+=("$!") ;;
    p) mapfile -t args < <(route "$REWRITE"); start p "$JARS/sample-gateway.jar" "${args[@]}"
       AUTH[p]="Bearer sim-bench-key-01" ;;
    r) mapfile -t args < <(route "$REWRITE" KeyRotation=default KeyHealthFeedback)
       start r "$JARS/sample-gateway.jar" "${args[@]}" ;;
    a) mapfile -t args < <(route ClientAuth "$REWRITE" KeyRotation=default KeyHealthFeedback)
       start a "$JARS/sample-gateway.jar" "${args[@]}" ;;
    t) mapfile -t args < <(route ClientAuth TokenLimit=125000 "$REWRITE" KeyRotation=default KeyHealthFeedback)
       start t "$JARS/sample-gateway.jar" "${args[@]}" ;;
    c) start c "$JARS/sample-gateway.jar" ;;
    cq) start cq "$JARS/sample-gateway.jar" --logging.level.dev.geminigateway.access=WARN ;;
    cb) start cb "$BASELINE_JAR" ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
done

BODY='{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}]}'
for v in $VARIANTS; do
  url="http://127.0.0.1:${PORT[$v]}/v1/chat/completions"
  for _ in $(seq 90); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: ${AUTH[$v]}" -H 'Content-Type: application/json' \
      -d "$BODY" "$url" || true)
    [[ $code == 200 ]] && break
    sleep 1
  done
  [[ $code == 200 ]] || { log "variant $v does not answer 200 (got $code): see $RUN/logs/$v.log"; exit 1; }
done
log "all variants answer; warming up ${WARMUP}s each"
for v in $VARIANTS; do
  BENCH_AUTH="${AUTH[$v]}" wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$ROOT/benchmarks/scripts/chat.lua" \
    "http://127.0.0.1:${PORT[$v]}" >/dev/null
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "round,variant,rps,cpu_ms_per_request,allocated_bytes_per_request,errors,load" >"$RUN/ablation.csv"
for round in $(seq "$RUNS"); do
  for v in $VARIANTS; do
    gc_from=$(wc -l <"$RUN/logs/$v.gc.log"); cpu_from=$(cpu_ticks "${PID[$v]}")
    BENCH_AUTH="${AUTH[$v]}" BENCH_OUT="$RUN/load/$v-$round.json" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" \
      -s "$ROOT/benchmarks/scripts/chat.lua" "http://127.0.0.1:${PORT[$v]}" >/dev/null
    cpu_to=$(cpu_ticks "${PID[$v]}"); gc_to=$(wc -l <"$RUN/logs/$v.gc.log")
    python3 - "$RUN" "$v" "$round" "$cpu_from" "$cpu_to" "$gc_from" "$gc_to" "$(getconf CLK_TCK)" >>"$RUN/ablation.csv" <<'PY'
import json, re, sys
run, v, rnd, c0, c1, g0, g1, hz = sys.argv[1:]
load = json.load(open(f"{run}/load/{v}-{rnd}.json"))
lines = open(f"{run}/logs/{v}.gc.log").read().splitlines()
young = re.compile(r"Pause Young.* (\d+)M->(\d+)M")
pauses = [(i, *map(int, m.groups())) for i, m in ((i, young.search(l)) for i, l in enumerate(lines)) if m]
# bytes allocated between two young collections: the heap before the later one minus after the earlier one
allocated = sum(p[1] - q[2] for q, p in zip(pauses, pauses[1:]) if int(g0) <= p[0] < int(g1)) * 1024 * 1024
requests = load["requests"]
errors = load["errors_status"] + load["errors_timeout"] + load["errors_connect"] + load["errors_read"]
print(f"{rnd},{v},{load['rps']:.0f},{(int(c1) - int(c0)) * 1000 / int(hz) / requests:.4f},"
      f"{allocated / requests:.0f},{errors},{open('/proc/loadavg').read().split()[0]}")
PY
  done
done

python3 - "$RUN/ablation.csv" "$VARIANTS" >"$RUN/summary.md" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
order = sys.argv[2].split()
med = {v: {k: statistics.median(float(r[k]) for r in rows if r["variant"] == v)
           for k in ("rps", "cpu_ms_per_request", "allocated_bytes_per_request")} for v in order}
base = med.get("b")
print("| variant | req/s | vs (b) | CPU ms/request | vs (b) | step over the row above, CPU µs | KB allocated/request |")
print("|---|---|---|---|---|---|---|")
previous = None
for v in order:
    m = med[v]
    ratio = f"{m['rps'] / base['rps']:.2f}" if base else "-"
    cpu_ratio = f"{m['cpu_ms_per_request'] / base['cpu_ms_per_request']:.2f}" if base else "-"
    step = f"{(m['cpu_ms_per_request'] - med[previous]['cpu_ms_per_request']) * 1000:+.0f}" if previous else "-"
    print(f"| ({v}) | {m['rps']:,.0f} | {ratio} | {m['cpu_ms_per_request']:.3f} | {cpu_ratio} | {step} | "
          f"{m['allocated_bytes_per_request'] / 1024:.1f} |")
    previous = v
print(f"\nmedians of {len(rows) // len(order)} alternated rounds; rows per round in ablation.csv")
PY
cat "$RUN/summary.md"
