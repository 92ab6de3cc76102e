package dev.geminigateway.sample.setup;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link MissingGeminiKeysException} into the "APPLICATION FAILED TO START" text, with what to do next. */
public class MissingGeminiKeysFailureAnalyzer extends AbstractFailureAnalyzer<MissingGeminiKeysException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MissingGeminiKeysException cause) {
        String description = "The gateway has no Gemini API key to rotate: key group '" + cause.group()
                + "' (gemini.gateway.groups." + cause.group() + ".keys) is empty.";
        String action = """
                Either give it your keys, comma-separated, each optionally followed by @<Google Cloud project> \
                (keys of one project share its quota):

                    export GEMINI_API_KEYS='AIza...1@project-a,AIza...2@project-a,AIza...3@project-b'
                    export GATEWAY_CLIENT_TOKENS='<a long random token for your applications>'

                or try it first with the demo profile, which runs an in-process Gemini simulator with demo keys:

                    java -jar sample-gateway/target/sample-gateway.jar --spring.profiles.active=demo""";
        return new FailureAnalysis(description, action, cause);
    }
}
