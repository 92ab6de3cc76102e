package dev.geminigateway.autoconfigure;

import org.springframework.core.convert.converter.Converter;

/** A client token given as a plain string: no name (it gets {@code token-<fingerprint>}), the default limits. */
class ClientTokenConverter implements Converter<String, ClientProtectionProperties.Token> {

    @Override
    public ClientProtectionProperties.Token convert(String source) {
        return new ClientProtectionProperties.Token(null, source.strip(), null, null, null);
    }
}
