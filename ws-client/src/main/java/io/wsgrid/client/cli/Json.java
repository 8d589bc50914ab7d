package io.wsgrid.client.cli;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/** The few JSON reads and writes the REST commands need, on Jackson's streaming API (the CLI has no databind). */
final class Json {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private Json() {
    }

    /** {@code value} as a JSON string literal. */
    static String quote(String value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeString(value);
        }
        return out.toString();
    }

    /** One page of {@code GET /api/v1/users}: the users, and the cursor of the next page (null on the last). */
    record UsersPage(List<String> users, String cursor) {
    }

    /** Reads {@code {"users":[..],"count":N,"cursor":".."}}; a cursor that is absent, empty or "0" ends the listing. */
    static UsersPage usersPage(String body) {
        List<String> users = new ArrayList<>();
        String cursor = null;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken value = p.nextToken();
                if (name.equals("users") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        users.add(p.getString());
                    }
                }
                else if (name.equals("cursor") && value != JsonToken.VALUE_NULL) {
                    cursor = p.getString();
                }
                else {
                    p.skipChildren();
                }
            }
        }
        catch (JacksonException e) {
            throw new IllegalArgumentException("not a users page: " + e.getOriginalMessage());
        }
        return new UsersPage(users, cursor == null || cursor.isEmpty() || cursor.equals("0") ? null : cursor);
    }

    /**
     * Every {@code error} in a batch answer, at any depth: an item with {@code users} may answer one entry per user,
     * flat or nested, and a bad recipient must not go unnoticed either way.
     */
    static List<String> batchErrors(String body) {
        List<String> errors = new ArrayList<>();
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                if (token == JsonToken.PROPERTY_NAME && p.currentName().equals("error")
                        && p.nextToken() == JsonToken.VALUE_STRING) {
                    errors.add(p.getString());
                }
            }
        }
        catch (JacksonException e) {
            errors.add("unreadable answer: " + e.getOriginalMessage());
        }
        return errors;
    }
}
