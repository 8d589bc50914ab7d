package io.wsgrid.node.api;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import io.wsgrid.common.protocol.Names;
import io.wsgrid.common.protocol.RawJson;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The body of {@code POST /api/v1/batch}, read in one streaming pass: {@code data} stays raw JSON text, nothing is
 * bound to objects. A malformed item becomes an {@link Item.Invalid} at its place (the others still go); a body that
 * is not an object with a {@code messages} array, or that lists more than {@link #MAX_ITEMS} items, is refused whole.
 * Stateless and thread-safe.
 */
final class BatchRequest {

    /** Items per batch; more is refused with 400 rather than partly sent. */
    static final int MAX_ITEMS = 1_000;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** One entry of {@code messages}. */
    sealed interface Item {
        record ToUser(String user, RawJson data) implements Item {
        }

        record ToUsers(List<String> users, RawJson data) implements Item {
        }

        record ToGroup(String group, RawJson data) implements Item {
        }

        record Broadcast(RawJson data) implements Item {
        }

        record Invalid(String error) implements Item {
        }
    }

    /** The whole body could not be taken; {@code problem} says why. */
    static final class Refused extends RuntimeException {
        Refused(String problem) {
            super(problem, null, false, false);
        }
    }

    private BatchRequest() {
    }

    /** Reads the items in order; throws {@link Refused} when the body as a whole is unusable. */
    static List<Item> parse(byte[] body) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Refused("expected a JSON object with a 'messages' array");
            }
            List<Item> items = null;
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken value = p.nextToken();
                if (name.equals("messages")) {
                    if (value != JsonToken.START_ARRAY) {
                        throw new Refused("'messages' must be an array");
                    }
                    items = readItems(p);
                }
                else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new Refused("trailing content after the JSON object");
            }
            if (items == null) {
                throw new Refused("'messages' is required");
            }
            return items;
        }
        catch (JacksonException e) {
            throw new Refused("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static List<Item> readItems(JsonParser p) {
        List<Item> items = new ArrayList<>();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (items.size() == MAX_ITEMS) {
                throw new Refused("a batch holds at most " + MAX_ITEMS + " messages");
            }
            if (token != JsonToken.START_OBJECT) {
                p.skipChildren();
                items.add(new Item.Invalid("each message must be a JSON object"));
            }
            else {
                items.add(readItem(p));
            }
        }
        return items;
    }

    /** Reads one item object to its end, even when it turns out invalid, so the next item starts cleanly. */
    private static Item readItem(JsonParser p) {
        String user = null;
        List<String> users = null;
        String group = null;
        boolean broadcast = false;
        RawJson data = null;
        String problem = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "user" -> {
                    user = value == JsonToken.VALUE_STRING ? p.getString() : null;
                    if (user == null) {
                        problem = first(problem, "'user' must be a string");
                    }
                    p.skipChildren();
                }
                case "group" -> {
                    group = value == JsonToken.VALUE_STRING ? p.getString() : null;
                    if (group == null) {
                        problem = first(problem, "'group' must be a string");
                    }
                    p.skipChildren();
                }
                case "users" -> {
                    if (value == JsonToken.START_ARRAY) {
                        users = new ArrayList<>();
                        JsonToken t;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (t == JsonToken.VALUE_STRING && Names.isValid(p.getString())) {
                                users.add(p.getString());
                            }
                            else {
                                p.skipChildren();
                                problem = first(problem, "'users' must hold user names of 1 to " + Names.MAX_LENGTH
                                        + " characters without control characters");
                            }
                        }
                    }
                    else {
                        p.skipChildren();
                        problem = first(problem, "'users' must be an array of user names");
                    }
                }
                case "broadcast" -> broadcast = value == JsonToken.VALUE_TRUE;
                case "data" -> data = copyValue(p);
                default -> p.skipChildren();
            }
        }
        if (problem != null) {
            return new Item.Invalid(problem);
        }
        int targets = (user != null ? 1 : 0) + (users != null ? 1 : 0) + (group != null ? 1 : 0) + (broadcast ? 1 : 0);
        if (targets != 1) {
            return new Item.Invalid("each message needs exactly one of 'user', 'users', 'group' or 'broadcast':true");
        }
        if (data == null) {
            return new Item.Invalid("'data' is required");
        }
        if (user != null) {
            return Names.isValid(user) ? new Item.ToUser(user, data) : new Item.Invalid(nameProblem("user"));
        }
        if (group != null) {
            return Names.isValid(group) ? new Item.ToGroup(group, data) : new Item.Invalid(nameProblem("group"));
        }
        if (users != null) {
            if (users.isEmpty() || users.size() > MAX_ITEMS) {
                return new Item.Invalid("'users' must list 1 to " + MAX_ITEMS + " users");
            }
            return new Item.ToUsers(List.copyOf(users), data);
        }
        return new Item.Broadcast(data);
    }

    private static String first(String problem, String next) {
        return problem != null ? problem : next;
    }

    private static String nameProblem(String what) {
        return "'" + what + "' must be 1 to " + Names.MAX_LENGTH + " characters without control characters";
    }

    private static RawJson copyValue(JsonParser p) {
        StringWriter text = new StringWriter(64);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), text)) {
            g.copyCurrentStructureExact(p);
        }
        return new RawJson(text.toString());
    }
}
