package dev.geminigateway.egress;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;

import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;

/**
 * A group's egress proxy refused the tunnel or could not be reached: Gemini never saw the request, no key is to
 * blame, and every key of the group would fail the same way.
 */
public class EgressProxyException extends RuntimeException {

    EgressProxyException(String group, EgressProxy proxy, Throwable cause) {
        super("The egress proxy " + proxy + " of key group '" + group + "' refused or could not be reached ("
                + cause.getClass().getSimpleName() + ")", cause, false, false);
    }

    /** What a transport failure on the way to Gemini tells: an egress failure when it is one, else a transport one. */
    public static UpstreamOutcome outcomeOf(Throwable error, String reason) {
        return error instanceof EgressProxyException
                ? UpstreamOutcome.of(OutcomeKind.EGRESS_PROXY, 0, "egress proxy refused or unreachable")
                : UpstreamOutcome.transport(reason);
    }

    /**
     * Through a proxy every connection is opened to the proxy, so a failure to connect, or a refused handshake, is
     * the proxy's; failures after the tunnel is up are Gemini's and stay transport failures.
     */
    static boolean isConnectFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProxyConnectException || t instanceof ConnectException || t instanceof ConnectTimeoutException
                    || t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
