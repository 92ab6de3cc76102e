package dev.geminigateway.web;

import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

/**
 * The starter's one JSON mapper (plain settings: it reads request and answer bodies and writes error bodies). Its
 * parsers keep their buffers per thread: Jackson 3's default pool is a concurrent deque that every parser takes from
 * and gives back to, measurable on a path that parses two or three small bodies per request on a few event-loop
 * threads.
 */
public final class GatewayJson {

    public static final JsonMapper MAPPER = JsonMapper.builder(
            JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build()).build();

    private GatewayJson() {
    }
}
