package dev.geminigateway.selection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.geminigateway.key.ApiKey;

/**
 * A preference among the projects that may serve a request, for requests that share a prompt prefix: Gemini caches
 * a long prefix per project, so sending them to one project makes the later ones cheaper (ARCHITECTURE.md §5).
 * Rendezvous (highest-random-weight) hashing over the projects: each project scores {@code mix(fingerprint,
 * project)}, the highest first. Every replica computes the same order with no shared state, and a project that
 * cannot serve moves its requests to the next project of their own order, not all to one neighbour.
 * <p>
 * Only an order: which keys may serve at all (state, cooldowns, quota headroom) is decided as without it.
 */
public record PreferredProjects(long fingerprint) {

    /**
     * {@code candidates} grouped by project, best project first; within a project the keys keep their given order
     * (the rotation's), so the load on one project still spreads over its keys.
     */
    public List<ApiKey> order(List<ApiKey> candidates) {
        if (candidates.size() < 2) {
            return candidates;
        }
        Map<String, List<ApiKey>> byProject = new LinkedHashMap<>();
        for (ApiKey key : candidates) {
            byProject.computeIfAbsent(key.project(), project -> new ArrayList<>(2)).add(key);
        }
        if (byProject.size() < 2) {
            return candidates;
        }
        Map<String, Long> scores = new HashMap<>(byProject.size() * 2);
        byProject.keySet().forEach(project -> scores.put(project, score(project)));
        List<String> projects = new ArrayList<>(byProject.keySet());
        projects.sort(Comparator.<String>comparingLong(scores::get).reversed().thenComparing(Comparator.naturalOrder()));
        List<ApiKey> ordered = new ArrayList<>(candidates.size());
        projects.forEach(project -> ordered.addAll(byProject.get(project)));
        return ordered;
    }

    /** The project's weight for this fingerprint: {@link String#hashCode()} is the same in every JVM. */
    long score(String project) {
        return mix(fingerprint ^ mix(project.hashCode()));
    }

    /** SplitMix64's finalizer: every input bit moves every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
