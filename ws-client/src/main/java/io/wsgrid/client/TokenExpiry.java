package io.wsgrid.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalLong;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the {@code exp} claim of a JWT without verifying it: the client only needs to know when to refresh, the node
 * does the verifying.
 */
final class TokenExpiry {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private TokenExpiry() {
    }

    /** The token's {@code exp} in epoch seconds, or empty when it is not a JWT or has no numeric {@code exp}. */
    static OptionalLong of(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        if (parts.length != 3) {
            return OptionalLong.empty();
        }
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(parts[1].getBytes(StandardCharsets.US_ASCII));
        }
        catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return OptionalLong.empty();
            }
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken value = p.nextToken();
                if (name.equals("exp") && (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT)) {
                    return OptionalLong.of(p.getLongValue());
                }
                p.skipChildren();
            }
            return OptionalLong.empty();
        }
        catch (JacksonException e) {
            return OptionalLong.empty();
        }
    }
}
