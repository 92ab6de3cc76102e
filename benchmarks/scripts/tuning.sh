#!/usr/bin/env bash
# One setting at a time: the full chain (sample gateway, bench profile) started several times, each with one
# setting changed, measured in alternation (t0 t1 t2 ... t0 t1 ...) with wrk at 16 connections. Which settings
# help goes to docs/BENCHMARKS.md ("Tuning"); the winners are the defaults of application-bench.yml and run-all.sh.
#
#   bash benchmarks/scripts/tuning.sh [--rounds N] [--duration S] [--warmup S]
# Needs the jars run-all.sh builds (gemini-simulator, sample-gateway, benchmarks).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS=5; DURATION=10; WARMUP=40; CONNS=16
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift ;; --duration) DURATION=$2; shift ;; --warmup) WARMUP=$2; shift ;;
    --connections) CONNS=$2; shift ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
RUN="$ROOT/benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ)-tuning"
mkdir -p "$RUN/bin"
cp "$ROOT/gemini-simulator/target/gemini-simulator.jar" "$ROOT/sample-gateway/target/sample-gateway.jar" "$RUN/bin/"
cp "$ROOT/sample-gateway/src/main/resources/application-bench.yml" "$RUN/bin/"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RUN/run.log" >&2; }

# The reference of each comparison; BENCHMARKS.md's table was measured with this default.
BASE_JVM=${BASE_JVM:-"-Xmx256m -XX:+UseSerialGC -Xss512k"}
# name | JVM flags | extra arguments (one setting changed from t0)
VARIANTS=(
  "t0-tuned|$BASE_JVM|"
  "t1-g1gc|-Xmx256m -Xss512k|"
  "t2-ctx-limited|$BASE_JVM|--spring.reactor.context-propagation=limited"
  "t3-io-workers-2|$BASE_JVM -Dreactor.netty.ioWorkerCount=2|"
  "t4-log-info|$BASE_JVM|--logging.level.root=INFO --logging.level.dev.geminigateway=INFO"
)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

SIM_PORT=$(free_port); KEYS=""
{ echo "host: 127.0.0.1"; echo "port: $SIM_PORT"; echo "recordLimit: 0"; echo "keys:"
  for i in $(seq 1 10); do k=$(printf 'sim-bench-key-%02d' "$i"); pr="project-$(( (i + 1) / 2 ))"
    echo "  - { key: $k, project: $pr }"; KEYS="${KEYS:+$KEYS,}$k@$pr"; done; } >"$RUN/sim.yml"
java -Xmx1g -XX:+UseSerialGC -jar "$RUN/bin/gemini-simulator.jar" --config "$RUN/sim.yml" >"$RUN/sim.log" 2>&1 &
PIDS+=("$!")

declare -A PORT PID
for spec in "${VARIANTS[@]}"; do
  IFS='|' read -r name jvm extra <<<"$spec"
  port=$(free_port)
  # shellcheck disable=SC2086
  BENCH_UPSTREAM_URL="http://127.0.0.1:$SIM_PORT" BENCH_GEMINI_KEYS=$KEYS BENCH_CLIENT_TOKEN=bench-client-token-0123456789 \
    java $jvm -jar "$RUN/bin/sample-gateway.jar" --spring.profiles.active=bench \
    --spring.config.additional-location="file:$RUN/bin/application-bench.yml" --server.port="$port" $extra \
    >"$RUN/$name.log" 2>&1 &
  PID[$name]=$!; PORT[$name]=$port; PIDS+=("$!")
done

chat() { curl -s -o /dev/null -w '%{http_code}' -m 10 -H 'Content-Type: application/json' \
  -H 'Authorization: Bearer bench-client-token-0123456789' \
  -d '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"ping"}]}' "http://127.0.0.1:$1/v1/chat/completions" || true; }
for spec in "${VARIANTS[@]}"; do
  name=${spec%%|*}; deadline=$((SECONDS + 300))
  until [[ $(chat "${PORT[$name]}") == 200 ]]; do (( SECONDS < deadline )) || { log "$name did not start"; exit 1; }; sleep 2; done
done
log "all up; load $(cut -d' ' -f1-3 /proc/loadavg)"

wrk_json() { # port seconds out
  BENCH_AUTH="Bearer bench-client-token-0123456789" BENCH_OUT=$3 \
    wrk -t2 -c"$CONNS" -d"$2s" --timeout 10s -s "$ROOT/benchmarks/scripts/chat.lua" "http://127.0.0.1:$1" >/dev/null 2>&1 || true
}
for spec in "${VARIANTS[@]}"; do name=${spec%%|*}; log "warm-up $name"; wrk_json "${PORT[$name]}" "$WARMUP" /dev/null; done

echo "variant,round,rps,p50_us,p99_us,cpu_ms_per_req,rss_kb,load1" >"$RUN/tuning.csv"
TCK=$(getconf CLK_TCK)
for round in $(seq 1 "$ROUNDS"); do
  for spec in "${VARIANTS[@]}"; do
    name=${spec%%|*}; pid=${PID[$name]}
    t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
    wrk_json "${PORT[$name]}" "$DURATION" "$RUN/$name-r$round.json"
    t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
    python3 -c "
import json,sys
r=json.load(open('$RUN/$name-r$round.json'))
print(f\"$name,$round,{r['rps']},{r['p50_us']},{r['p99_us']},{($t1-$t0)*1000/$TCK/max(1,r['requests']):.3f},$(awk '/VmRSS/{print $2}' /proc/$pid/status),$(cut -d' ' -f1 /proc/loadavg)\")" \
      >>"$RUN/tuning.csv"
    log "$(tail -1 "$RUN/tuning.csv")"
  done
done

python3 - "$RUN/tuning.csv" <<'PY' | tee "$RUN/summary.md"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
names = list(dict.fromkeys(r["variant"] for r in rows))
med = lambda n, k: statistics.median(float(r[k]) for r in rows if r["variant"] == n)
base = med(names[0], "rps")
print("| variant | req/s median (min-max) | vs t0 | p50 ms | p99 ms | CPU ms/req | RSS MB |")
print("|---|---|---|---|---|---|---|")
for n in names:
    rps = [float(r["rps"]) for r in rows if r["variant"] == n]
    print(f"| {n} | {statistics.median(rps):,.0f} ({min(rps):,.0f}-{max(rps):,.0f}) | {statistics.median(rps) / base:.2f} | "
          f"{med(n, 'p50_us') / 1000:.2f} | {med(n, 'p99_us') / 1000:.2f} | {med(n, 'cpu_ms_per_req'):.3f} | "
          f"{med(n, 'rss_kb') / 1024:.0f} |")
print(f"\nload average during the run: {min(float(r['load1']) for r in rows):.1f}-{max(float(r['load1']) for r in rows):.1f}")
PY
