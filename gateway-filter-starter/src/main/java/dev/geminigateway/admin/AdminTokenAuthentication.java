package dev.geminigateway.admin;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The admin's bearer token as Spring Security sees it: unauthenticated as presented (credentials = the token),
 * authenticated once it matched (credentials erased). Carries the caller's address for the audit log.
 */
final class AdminTokenAuthentication extends AbstractAuthenticationToken {

    public static final String ADMIN = "gateway-admin";

    private final String remoteAddress;
    private String token;

    private AdminTokenAuthentication(String token, String remoteAddress, boolean authenticated) {
        super(authenticated ? List.of(new SimpleGrantedAuthority("ROLE_GATEWAY_ADMIN")) : List.of());
        this.token = token;
        this.remoteAddress = remoteAddress;
        setAuthenticated(authenticated);
    }

    public static AdminTokenAuthentication presented(String token, String remoteAddress) {
        return new AdminTokenAuthentication(token, remoteAddress, false);
    }

    static AdminTokenAuthentication verified(String remoteAddress) {
        return new AdminTokenAuthentication(null, remoteAddress, true);
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Object getCredentials() {
        return token;
    }

    @Override
    public Object getPrincipal() {
        return ADMIN;
    }

    @Override
    public void eraseCredentials() {
        token = null;
        super.eraseCredentials();
    }

    @Override
    public String toString() {
        return "AdminTokenAuthentication[" + ADMIN + ", remote=" + remoteAddress + ", authenticated="
                + isAuthenticated() + "]";
    }
}
