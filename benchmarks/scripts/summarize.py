#!/usr/bin/env python3
"""Turns one run directory of run-all.sh into summary.md (stdout) and summary.json: medians over the alternating
runs, spread (min-max), ratios against (a) and (b) of the same run, and each target met or missed by how much."""
import csv
import json
import os
import statistics
import sys

RUN = sys.argv[1]
NAMES = {
    "a": "(a) client -> simulator",
    "b": "(b) bare Spring Cloud Gateway",
    "c": "(c) full chain, in-memory store",
    "d": "(d) full chain, Redis store",
    "e": "(e) Portkey gateway (loadbalance)",
    "cb": "(cb) full chain, baseline jar (before)",
    "ct": "(ct) full chain, tuned (bench profile)",
    "c0": "(c0) full chain, product defaults, JVM defaults",
}
ORDER = ["a", "b", "c", "cb", "d", "e", "ct", "c0"]


def path(*parts):
    return os.path.join(RUN, *parts)


def read_csv(name):
    try:
        with open(path(name)) as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        return []


def read_json(name):
    try:
        with open(path(name)) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=1):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


machine = {}
try:
    for line in open(path("machine.txt")):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            machine[k] = v
except FileNotFoundError:
    pass

summary = {"machine": machine, "load": {}, "targets": []}
out = []
p = out.append

p(f"Run `{os.path.basename(RUN)}` ({machine.get('mode', '?')} mode), {machine.get('date', '')}.")
p("")
p(f"Machine: {machine.get('nproc', '?')} cores ({machine.get('cpu', '?')}), "
  f"{int(machine.get('mem_total_kb', '0')) // 1024:,} MiB RAM; load average at start {machine.get('load_at_start', '?')}, "
  f"at end {machine.get('load_at_end', '?')}. {machine.get('java', '')}; node {machine.get('node', '')}; "
  f"{machine.get('wrk', '')}; redis {machine.get('redis', '')}; Portkey {machine.get('portkey', '')}.")
p(f"Gateway JVM flags: `{machine.get('gateway_jvm', '')}` (c0: `{machine.get('default_jvm', '')}`); simulator: "
  f"`{machine.get('sim_jvm', '')}`. wrk -t2, {machine.get('runs', '?')} runs of {machine.get('duration_s', '?')} s per "
  f"variant and concurrency, variants alternated in each round; warm-up {machine.get('warmup_s', '?')} s per gateway. "
  f"{machine.get('keys', '?')} keys in 5 projects. Everything (load generator, simulator, gateways) shares the same cores.")
p("")

# ---- load
# runs that served nothing (e.g. a tool failure) are left out rather than counted as zero
rows = [r for r in read_csv("load.csv") if float(r["requests"]) > 0]
variants = [v for v in ORDER if any(r["variant"] == v for r in rows)]
concs = sorted({int(r["connections"]) for r in rows})
agg = {}
for v in variants:
    for c in concs:
        rs = [r for r in rows if r["variant"] == v and int(r["connections"]) == c]
        if not rs:
            continue
        f = lambda k: [float(r[k]) for r in rs]
        agg[(v, c)] = {
            "rps": med(f("rps")), "rps_min": min(f("rps")), "rps_max": max(f("rps")),
            "p50": med(f("p50_us")) / 1000, "p90": med(f("p90_us")) / 1000, "p99": med(f("p99_us")) / 1000,
            "errors": int(sum(f("errors"))), "requests": int(sum(f("requests"))),
            "cpu": med(f("cpu_ms_per_req")), "sim_cpu": med(f("sim_cpu_ms_per_req")),
            "util": med(f("cpu_util")), "rss": max(f("rss_kb")) / 1024, "hwm": max(f("hwm_kb")) / 1024,
            "runs": len(rs),
        }
summary["load"] = {f"{v}@{c}": a for (v, c), a in agg.items()}

if agg:
    p("### Throughput and latency (non-streamed `POST /v1/chat/completions`)")
    p("")
    p("Medians over the runs; requests/s spread is min-max. Added latency is the difference of medians. CPU is the "
      "measured process's user+system time per request (the simulator's own CPU per request in brackets).")
    p("")
    for c in concs:
        p(f"**{c} connections**")
        p("")
        p("| variant | req/s (min-max) | vs (a) | vs (b) | p50 ms | p90 ms | p99 ms | +p50 over (a) / (b) ms | "
          "+p99 over (b) ms | CPU ms/req (sim) | RSS MB | errors |")
        p("|---|---|---|---|---|---|---|---|---|---|---|---|")
        A, B = agg.get(("a", c)), agg.get(("b", c))
        for v in variants:
            x = agg.get((v, c))
            if not x:
                continue
            ra = x["rps"] / A["rps"] if A and A["rps"] else None
            rb = x["rps"] / B["rps"] if B and B["rps"] else None
            da = x["p50"] - A["p50"] if A else None
            db = x["p50"] - B["p50"] if B else None
            d99 = x["p99"] - B["p99"] if B else None
            p(f"| {NAMES[v]} | {fmt(x['rps'], 0)} ({fmt(x['rps_min'], 0)}-{fmt(x['rps_max'], 0)}) | "
              f"{fmt(ra, 2)} | {fmt(rb, 2)} | {fmt(x['p50'], 2)} | {fmt(x['p90'], 2)} | {fmt(x['p99'], 2)} | "
              f"{fmt(da, 2)} / {fmt(db, 2)} | {fmt(d99, 2)} | {fmt(x['cpu'], 3)} ({fmt(x['sim_cpu'], 3)}) | "
              f"{fmt(x['rss'], 0)} | {x['errors']} |")
        p("")

# ---- heap
heap = read_csv("heap.csv")
if heap:
    p("### Memory")
    p("")
    p("| variant | moment | heap used after full GC MB | RSS MB |")
    p("|---|---|---|---|")
    for r in heap:
        used = int(r["heap_used_kb"]) / 1024
        p(f"| {r['variant']} | {r['label']} | {fmt(used, 1) if used else '-'} | {fmt(int(r['rss_kb']) / 1024, 0)} |")
    p("")

# ---- streaming
stream = {}
for name in sorted(os.listdir(path("stream"))) if os.path.isdir(path("stream")) else []:
    j = read_json(os.path.join("stream", name))
    if j:
        stream.setdefault(j["label"], []).append(j)
summary["stream"] = stream
if stream:
    p("### Streaming (one stream at a time; the simulator sends 10 events 50 ms apart)")
    p("")
    p("| variant | streams ok / failed | first event p50 ms | p90 ms | + p50 over (a) ms | gap p50 ms | gap p99 ms | "
      "whole stream p50 ms |")
    p("|---|---|---|---|---|---|---|---|")

    def sm(v, key, stat):
        vals = [j[key].get(stat) for j in stream.get(v, []) if j[key].get("n")]
        return med([x / 1000 for x in vals if x is not None])

    a_first = sm("a", "first_event_us", "p50")
    for v in [v for v in ORDER if v in stream]:
        ok = sum(j["streams"] - j["failures"] for j in stream[v])
        failed = sum(j["failures"] for j in stream[v])
        first = sm(v, "first_event_us", "p50")
        p(f"| {NAMES[v]} | {ok} / {failed} | {fmt(first, 2)} | {fmt(sm(v, 'first_event_us', 'p90'), 2)} | "
          f"{fmt(first - a_first if first is not None and a_first is not None else None, 2)} | "
          f"{fmt(sm(v, 'gap_us', 'p50'), 1)} | {fmt(sm(v, 'gap_us', 'p99'), 1)} | {fmt(sm(v, 'total_us', 'p50'), 0)} |")
    p("")

# ---- soak
soak = read_csv("soak.csv")
soak_slope = None
if soak:
    pts = [(int(r["elapsed_s"]), int(r["rss_kb"]) / 1024) for r in soak if int(r["rss_kb"]) > 0]
    late = [pt for pt in pts if pt[0] >= 60] or pts
    if len(late) >= 3:
        mx = statistics.mean(t for t, _ in late)
        my = statistics.mean(m for _, m in late)
        den = sum((t - mx) ** 2 for t, _ in late)
        soak_slope = sum((t - mx) * (m - my) for t, m in late) / den * 60 if den else 0.0
    sj = read_json(os.path.join("load", "soak.json")) or {}
    hs = {r["label"]: int(r["heap_used_kb"]) / 1024 for r in heap if r["variant"] == "c"}
    p(f"### Soak ({pts[-1][0] if pts else 0} s of load at 16 connections on (c))")
    p("")
    p(f"{fmt(sj.get('rps'), 0)} req/s, p99 {fmt(sj.get('p99_us', 0) / 1000, 2)} ms, "
      f"{sj.get('errors_status', 0) + sj.get('errors_timeout', 0) + sj.get('errors_read', 0)} errors. "
      f"RSS every 10 s (MB): {', '.join(fmt(m, 0) for _, m in pts)}. "
      f"Trend after the first minute: {fmt(soak_slope, 2)} MB/min. Heap after full GC: "
      f"{fmt(hs.get('soak-start'), 1)} MB before, {fmt(hs.get('soak-end'), 1)} MB after.")
    p("")
    summary["soak"] = {"rss_mb": pts, "slope_mb_per_min": soak_slope, "heap": hs, "wrk": sj}

# ---- concurrency
conc = read_json("concurrency.json")
conc_peak = None
if conc:
    samples = read_csv("concurrency.csv")
    conc_peak = max((int(r["rss_kb"]) for r in samples), default=0) / 1024
    fds = max((int(r["fds"]) for r in samples), default=0)
    p(f"### {conc['streams']:,} concurrent slow streams through (c)")
    p("")
    p(f"{conc['completed']:,} completed, {conc['dropped']:,} dropped, at most {conc['max_open']:,} open at once "
      f"({conc['chunks']} events 1 s apart each, {conc['elapsed_ms'] / 1000:.0f} s in all); statuses {conc['statuses']}; "
      f"largest gap between two events of one stream {conc['max_gap_us'] / 1000:,.0f} ms. Gateway RSS peak "
      f"(2 s samples) {fmt(conc_peak, 0)} MB, {fds:,} file descriptors at most. "
      + (f"First errors: {conc['errors']}." if conc["errors"] else ""))
    p("")
    summary["concurrency"] = dict(conc, rss_peak_mb=conc_peak, fds_peak=fds)

# ---- JMH
jmh = read_json("jmh.json")
select_10k = {}
if jmh:
    p("### JMH (ns/op, mean ± error)")
    p("")
    p("| benchmark | params | ns/op |")
    p("|---|---|---|")
    for b in jmh:
        name = b["benchmark"].split(".")[-2] + "." + b["benchmark"].split(".")[-1]
        params = ", ".join(f"{k}={v}" for k, v in (b.get("params") or {}).items())
        pm = b["primaryMetric"]
        # JMH writes the error as the string "NaN" when there were too few iterations to compute it
        error = pm["scoreError"] if isinstance(pm["scoreError"], (int, float)) else float("nan")
        p(f"| {name} (threads {b.get('threads', 1)}) | {params} | {pm['score']:.1f} ± {error:.1f} |")
        if "KeySelection" in name and (b.get("params") or {}).get("keys") == "10000":
            select_10k[f"{b['params']['pool']}/t{b.get('threads', 1)}"] = pm["score"]
    p("")
    summary["jmh"] = jmh

# ---- profile
try:
    profile = open(path("profile-c.txt")).read().strip()
except FileNotFoundError:
    profile = ""
if profile:
    p("### Where (c) spends its CPU (JFR execution samples, 20 s at 16 connections)")
    p("")
    p("```")
    p(profile)
    p("```")
    p("")

# ---- targets
targets = []


def target(name, met, detail):
    targets.append({"target": name, "met": met, "detail": detail})


def ratio(v, base, c):
    x, y = agg.get((v, c)), agg.get((base, c))
    return x["rps"] / y["rps"] if x and y and y["rps"] else None


for c in concs:
    r = ratio("c", "e", c)
    if r is not None:
        target(f"(c) at least as fast as Portkey (e), {c} conn", r >= 1.0, f"(c)/(e) = {r:.2f}")
    r = ratio("c", "b", c)
    if r is not None:
        target(f"(c) >= 0.75x (b) req/s, {c} conn", r >= 0.75, f"{r:.2f}x (b)")
        dp = agg[("c", c)]["p50"] - agg[("b", c)]["p50"]
        target(f"(c) adds <= 0.5 ms p50 over (b), {c} conn", dp <= 0.5, f"+{dp:.2f} ms")
        cb, cc = agg[("b", c)]["cpu"], agg[("c", c)]["cpu"]
        if cb:
            target(f"(c) CPU per request <= 1.5x (b), {c} conn", cc <= 1.5 * cb, f"{cc / cb:.2f}x (b)")
    r = ratio("cb", "b", c)
    if r is not None:
        target(f"(cb) baseline jar, for comparison: >= 0.75x (b) req/s, {c} conn", r >= 0.75, f"{r:.2f}x (b)")
    r = ratio("d", "b", c)
    if r is not None:
        target(f"(d) Redis >= 0.65x (b) req/s, {c} conn", r >= 0.65, f"{r:.2f}x (b)")
    a = agg.get(("a", c))
    gw = max((agg[(v, c)]["rps"] for v in ("b", "c", "cb", "d", "e", "ct", "c0") if (v, c) in agg), default=None)
    if a and gw:
        target(f"simulator not the bottleneck, {c} conn", a["rps"] >= 2 * gw,
               f"(a) {a['rps']:,.0f} req/s = {a['rps'] / gw:.1f}x the fastest gateway")
if stream.get("c") and stream.get("a"):
    first_c = med([j["first_event_us"]["p50"] for j in stream["c"] if j["first_event_us"].get("n")])
    first_a = med([j["first_event_us"]["p50"] for j in stream["a"] if j["first_event_us"].get("n")])
    gap_c = med([j["gap_us"]["p50"] for j in stream["c"] if j["gap_us"].get("n")])
    if first_c is not None and first_a is not None:
        added = (first_c - first_a) / 1000
        target("streaming adds < 1 ms to the first event (p50)", added < 1.0, f"+{added:.2f} ms")
    if gap_c is not None:
        target("streaming not buffered (events keep the 50 ms pacing)", 40_000 <= gap_c <= 60_000 and
               (first_c or 0) < 100_000, f"gap p50 {gap_c / 1000:.1f} ms, first event p50 {(first_c or 0) / 1000:.1f} ms")
for k, ns in sorted(select_10k.items()):
    target(f"key selection < 1 us at 10,000 keys ({k})", ns < 1000, f"{ns:.0f} ns")
for v in ("c", "d"):
    hw = [agg[(v, c)]["hwm"] for c in concs if (v, c) in agg]
    if hw:
        target(f"RSS < 350 MB under load ({v}, peak during the load phase)", max(hw) < 350, f"{max(hw):.0f} MB")
if conc:
    target(f"{conc['streams']:,} concurrent streams, none dropped", conc["dropped"] == 0, f"{conc['dropped']} dropped")
    target(f"{conc['streams']:,} concurrent streams under 512 MB RSS", (conc_peak or 0) < 512, f"{conc_peak:.0f} MB")
if soak_slope is not None:
    hs = summary["soak"]["heap"]
    grow = (hs.get("soak-end") or 0) - (hs.get("soak-start") or 0)
    target("no growth over the soak", soak_slope < 1.0 and grow < 5,
           f"RSS trend {soak_slope:+.2f} MB/min, heap after GC {grow:+.1f} MB")
summary["targets"] = targets

if targets:
    p("### Targets")
    p("")
    p("| target | result | measured |")
    p("|---|---|---|")
    for t in targets:
        p(f"| {t['target']} | {'met' if t['met'] else '**missed**'} | {t['detail']} |")
    p("")

with open(path("summary.json"), "w") as f:
    json.dump(summary, f, indent=1, default=str)
print("\n".join(out))
