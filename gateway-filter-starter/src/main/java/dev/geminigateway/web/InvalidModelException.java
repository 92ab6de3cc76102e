package dev.geminigateway.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A request named a model that is not a {@link ModelName}. The message is fixed: the name itself is never echoed.
 * Filters answer it with a 400 in the caller's surface format; should one not, the gateway's error handler does.
 */
public class InvalidModelException extends ResponseStatusException {

    public static final String MESSAGE = "Invalid model name: expected an optional 'models/' or 'tunedModels/' prefix "
            + "and 1 to " + ModelName.MAX_LENGTH + " letters, digits, '.', '_' or '-'";

    public InvalidModelException() {
        super(HttpStatus.BAD_REQUEST, MESSAGE);
    }
}
