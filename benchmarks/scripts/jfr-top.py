#!/usr/bin/env python3
"""Where a gateway's CPU goes: reads `jfr print --events jdk.ExecutionSample --stack-depth 64` output (argument 1)
and prints the share of samples that pass through each library or package of ours (inclusive), and the hottest
frames of our own code, so a missed target can say what costs the time."""
import collections
import re
import sys

GROUPS = [
    ("dev.geminigateway.token", "token counting (TokenLimit, usage)"),
    ("dev.geminigateway.client", "client auth and rate limit"),
    ("dev.geminigateway.filter", "rotation and feedback filters"),
    ("dev.geminigateway.observability", "our metrics and request id"),
    ("dev.geminigateway.store", "key-state store"),
    ("dev.geminigateway.selection", "key selection"),
    ("dev.geminigateway.web", "body cache, surface, errors"),
    ("dev.geminigateway", "all of dev.geminigateway"),
    ("com.knuddels.jtokkit", "jtokkit"),
    ("tools.jackson", "Jackson"),
    ("io.github.bucket4j", "bucket4j"),
    ("io.micrometer", "Micrometer"),
    ("org.springframework.security", "Spring Security"),
    ("org.springframework.cloud.gateway", "Spring Cloud Gateway"),
    ("io.lettuce", "Lettuce (Redis)"),
    ("ch.qos.logback", "logging"),
    ("reactor.netty", "reactor-netty"),
    ("io.netty", "Netty"),
]

text = open(sys.argv[1]).read()
events = text.split("jdk.ExecutionSample")[1:]
inclusive = collections.Counter()
ours = collections.Counter()
owner = collections.Counter()
# Inclusive shares overstate whatever subscribes the rest of the chain; "self" charges a sample to the innermost
# frame that is not the JDK, Reactor or Netty, i.e. the library whose code asked for the work.
GLUE = ("java.", "jdk.", "sun.", "reactor.core.", "reactor.netty.", "io.netty.")
total = 0
for event in events:
    frames = re.findall(r"^\s+([\w$.<>]+)\(", event, re.M)
    if not frames:
        continue
    total += 1
    hit = set()
    for frame in frames:
        for prefix, _ in GROUPS:
            if frame.startswith(prefix):
                hit.add(prefix)
    for prefix in hit:
        inclusive[prefix] += 1
    for frame in dict.fromkeys(frames):
        if frame.startswith("dev.geminigateway"):
            ours[frame] += 1
    first = next((f for f in frames if not f.startswith(GLUE)), None)
    owner[next((name for prefix, name in GROUPS[7:] if first and first.startswith(prefix)),
               "JDK, Reactor, Netty only" if first is None else "other: " + ".".join(first.split(".")[:3]))] += 1
print(f"{total} CPU samples")
print("share of samples passing through (inclusive):")
for prefix, name in GROUPS:
    if inclusive[prefix]:
        print(f"  {inclusive[prefix] * 100 / total:5.1f}%  {name} ({prefix})")
print("hottest methods of ours (inclusive):")
for frame, count in ours.most_common(12):
    print(f"  {count * 100 / total:5.1f}%  {frame}")
print("self time by library (innermost frame outside the JDK, Reactor and Netty):")
for name, count in owner.most_common(14):
    print(f"  {count * 100 / total:5.1f}%  {name}")
