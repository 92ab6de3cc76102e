package dev.geminigateway.selection;

import java.util.List;
import java.util.Set;

import dev.geminigateway.key.ApiKey;

/**
 * Binds a request to the Gemini project that owns a file or cached content it names: only that project's keys can
 * read it, every other key would answer 403. A request naming a resource whose owner is unknown gets
 * {@link #UNKNOWN_OWNER}: one attempt on whichever key rotation picks, since no other key would do better.
 */
public record ProjectPin(String project) {

    public static final ProjectPin UNKNOWN_OWNER = new ProjectPin(null);

    public static ProjectPin to(String project) {
        return new ProjectPin(project);
    }

    /** The pin as it applies to this group: an owner without a key here can be tried once, like an unknown one. */
    ProjectPin within(List<ApiKey> keys) {
        if (project == null) {
            return this;
        }
        for (ApiKey key : keys) {
            if (project.equals(key.project())) {
                return this;
            }
        }
        return UNKNOWN_OWNER;
    }

    /** No further attempt: the resource's owner is unknown and one key was tried already. */
    boolean exhausted(Set<String> triedKeys) {
        return project == null && !triedKeys.isEmpty();
    }

    boolean admits(ApiKey key) {
        return project == null || project.equals(key.project());
    }
}
