package dev.geminigateway.simulator.http;

/** Which API a path belongs to. */
enum Surface { NATIVE, OPENAI }
