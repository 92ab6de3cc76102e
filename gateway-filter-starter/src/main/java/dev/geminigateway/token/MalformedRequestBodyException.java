package dev.geminigateway.token;

/**
 * The request body is not a JSON object. The message only names the place of the fault, never the body's content:
 * a body may hold secrets a client pasted by mistake.
 */
public class MalformedRequestBodyException extends RuntimeException {

    public MalformedRequestBodyException(String message) {
        super(message);
    }
}
