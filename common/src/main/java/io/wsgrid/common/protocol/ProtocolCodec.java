package io.wsgrid.common.protocol;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.ByteArrayBuilder;

/**
 * JSON codec for the wsgrid wire protocol, on Jackson's streaming API so a frame is read in one pass without building
 * a tree. Decoding returns a {@link DecodeResult} and never throws on bad input; payloads ({@code data}) are kept as
 * {@link RawJson}. Instances are immutable and thread-safe; {@link #INSTANCE} is the one to use.
 */
public final class ProtocolCodec {

    public static final ProtocolCodec INSTANCE = new ProtocolCodec();

    private static final int MAX_ERROR_DETAIL = 200;

    /** More groups than this in one {@code resume} frame is refused (a session joins far fewer). */
    public static final int MAX_RESUME_GROUPS = 1_000;

    private static final byte[] OFFSET = ",\"offset\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EPOCH = ",\"epoch\":\"".getBytes(StandardCharsets.US_ASCII);

    private final JsonFactory json = JsonFactory.builder().build();

    private ProtocolCodec() {
    }

    // ---- client -> server

    /** Decodes a client frame given as UTF-8 bytes. */
    public DecodeResult<ClientMessage> decodeClient(byte[] utf8) {
        Fields f;
        try (JsonParser p = json.createParser(ObjectReadContext.empty(), utf8)) {
            f = readFields(p);
        }
        catch (JacksonException e) {
            return malformed(e);
        }
        return f.problem != null ? DecodeResult.invalid(f.problem) : toClientMessage(f);
    }

    /** Decodes a client frame given as text. */
    public DecodeResult<ClientMessage> decodeClient(String text) {
        return decodeClient(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Encodes a client frame to UTF-8 JSON. */
    public byte[] encode(ClientMessage message) {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (JsonGenerator g = json.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            switch (message) {
                case ClientMessage.Ping ping -> {
                    g.writeStringProperty("type", "ping");
                    writeOptional(g, "id", ping.id());
                }
                case ClientMessage.Join join -> {
                    g.writeStringProperty("type", "join");
                    g.writeStringProperty("group", join.group());
                }
                case ClientMessage.Leave leave -> {
                    g.writeStringProperty("type", "leave");
                    g.writeStringProperty("group", leave.group());
                }
                case ClientMessage.Publish publish -> {
                    g.writeStringProperty("type", "publish");
                    g.writeStringProperty("group", publish.group());
                    writeData(g, publish.data());
                }
                case ClientMessage.Send send -> {
                    g.writeStringProperty("type", "send");
                    g.writeStringProperty("user", send.user());
                    writeData(g, send.data());
                }
                case ClientMessage.Resume resume -> {
                    g.writeStringProperty("type", "resume");
                    writePosition(g, resume.user());
                    g.writeName("groups");
                    g.writeStartObject();
                    for (Map.Entry<String, StreamPosition> e : resume.groups().entrySet()) {
                        g.writeName(e.getKey());
                        g.writeStartObject();
                        writePosition(g, e.getValue());
                        g.writeEndObject();
                    }
                    g.writeEndObject();
                }
                case ClientMessage.Refresh refresh -> {
                    g.writeStringProperty("type", "refresh");
                    g.writeStringProperty("token", refresh.token());
                }
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    // ---- server -> client

    /** Decodes a server frame given as UTF-8 bytes. */
    public DecodeResult<ServerMessage> decodeServer(byte[] utf8) {
        Fields f;
        try (JsonParser p = json.createParser(ObjectReadContext.empty(), utf8)) {
            f = readFields(p);
        }
        catch (JacksonException e) {
            return malformed(e);
        }
        return f.problem != null ? DecodeResult.invalid(f.problem) : toServerMessage(f);
    }

    /** Decodes a server frame given as text. */
    public DecodeResult<ServerMessage> decodeServer(String text) {
        return decodeServer(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Encodes a server frame to UTF-8 JSON. */
    public byte[] encode(ServerMessage message) {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (JsonGenerator g = json.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            switch (message) {
                case ServerMessage.Connected c -> {
                    g.writeStringProperty("type", "connected");
                    g.writeStringProperty("session", c.session());
                    g.writeStringProperty("user", c.user());
                    g.writeStringProperty("node", c.node());
                    g.writeNumberProperty("heartbeat", c.heartbeat());
                    writePosition(g, c.top());
                }
                case ServerMessage.Pong pong -> {
                    g.writeStringProperty("type", "pong");
                    writeOptional(g, "id", pong.id());
                }
                case ServerMessage.Joined joined -> {
                    g.writeStringProperty("type", "joined");
                    g.writeStringProperty("group", joined.group());
                    writePosition(g, joined.top());
                }
                case ServerMessage.Left left -> {
                    g.writeStringProperty("type", "left");
                    g.writeStringProperty("group", left.group());
                }
                case ServerMessage.Delivery d -> writeDelivery(g, d);
                case ServerMessage.Resumed r -> {
                    g.writeStringProperty("type", "resumed");
                    g.writeBooleanProperty("recovered", r.recovered());
                    g.writeName("groups");
                    g.writeStartObject();
                    for (Map.Entry<String, Boolean> e : new java.util.TreeMap<>(r.groups()).entrySet()) {
                        g.writeBooleanProperty(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                }
                case ServerMessage.Refreshed r -> {
                    g.writeStringProperty("type", "refreshed");
                    g.writeNumberProperty("exp", r.exp());
                }
                case ServerMessage.Presence p -> {
                    g.writeStringProperty("type", "presence");
                    g.writeStringProperty("group", p.group());
                    g.writeStringProperty("user", p.user());
                    g.writeStringProperty("event", p.event().wire());
                }
                case ServerMessage.ErrorReply e -> {
                    g.writeStringProperty("type", "error");
                    g.writeStringProperty("code", e.code().wire());
                    g.writeStringProperty("message", e.message());
                }
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Adds a stream position to an encoded {@code message} frame that has none, giving the same bytes as encoding the
     * {@link ServerMessage.Delivery} with that position. Lets a node encode a message once, before its offset is known,
     * and splice the offset in when the stream assigned it (the Redis history script does the same in Lua).
     */
    public static byte[] withPosition(byte[] frame, long offset, String epoch) {
        byte[] digits = Long.toString(offset).getBytes(StandardCharsets.US_ASCII);
        byte[] e = epoch.getBytes(StandardCharsets.US_ASCII);
        int head = frame.length - 1; // without the closing brace
        byte[] out = Arrays.copyOf(frame, head + OFFSET.length + digits.length + EPOCH.length + e.length + 2);
        int at = head;
        System.arraycopy(OFFSET, 0, out, at, OFFSET.length);
        at += OFFSET.length;
        System.arraycopy(digits, 0, out, at, digits.length);
        at += digits.length;
        System.arraycopy(EPOCH, 0, out, at, EPOCH.length);
        at += EPOCH.length;
        System.arraycopy(e, 0, out, at, e.length);
        at += e.length;
        out[at++] = '"';
        out[at] = '}';
        return out;
    }

    /**
     * The position of an encoded {@code message} frame made by {@link #encode(ServerMessage)} or {@link #withPosition}
     * (where it is the last member), read from the frame's tail without parsing it; {@code null} when it has none.
     */
    public static StreamPosition positionOf(byte[] frame) {
        int epochAt = lastIndexOf(frame, EPOCH);
        if (epochAt < 0 || frame.length < 2 || frame[frame.length - 1] != '}' || frame[frame.length - 2] != '"') {
            return null;
        }
        int offsetAt = lastIndexOf(frame, OFFSET, epochAt);
        if (offsetAt < 0) {
            return null;
        }
        long offset = 0;
        int digits = 0;
        for (int i = offsetAt + OFFSET.length; i < epochAt; i++, digits++) {
            byte b = frame[i];
            if (b < '0' || b > '9' || digits > 18) {
                return null;
            }
            offset = offset * 10 + (b - '0');
        }
        String epoch = new String(frame, epochAt + EPOCH.length, frame.length - 2 - epochAt - EPOCH.length, StandardCharsets.US_ASCII);
        return digits == 0 || !StreamPosition.isValidEpoch(epoch) ? null : new StreamPosition(offset, epoch);
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        return lastIndexOf(haystack, needle, haystack.length);
    }

    /** The last index at which {@code needle} starts and ends at or before {@code end}, or -1. */
    private static int lastIndexOf(byte[] haystack, byte[] needle, int end) {
        outer:
        for (int i = end - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- REST bodies

    /**
     * Reads the {@code data} member of a REST body such as {@code {"data":{...}}}. Other members are ignored; a
     * missing {@code data} is invalid (send {@code "data":null} to mean null).
     */
    public DecodeResult<RawJson> decodeDataEnvelope(byte[] utf8) {
        Fields f;
        try (JsonParser p = json.createParser(ObjectReadContext.empty(), utf8)) {
            f = readFields(p);
        }
        catch (JacksonException e) {
            return malformed(e);
        }
        if (f.problem != null) {
            return DecodeResult.invalid(f.problem);
        }
        return f.data == null ? DecodeResult.invalid("'data' is required") : DecodeResult.ok(f.data);
    }

    // ---- reading

    /** Every member any frame may carry; unknown members are skipped so newer peers can add fields. */
    private static final class Fields {
        String type;
        String id;
        String group;
        String user;
        String session;
        String node;
        String from;
        String code;
        String message;
        RawJson data;
        Long ts;
        Integer heartbeat;
        boolean broadcast;
        Long offset;
        String epoch;
        Boolean recovered;
        Long exp;
        String token;
        String event;
        /** {@code groups} of a resume frame (positions, null when a group had none) ... */
        Map<String, StreamPosition> groupPositions;
        /** ... or of a resumed frame (recovered per group). */
        Map<String, Boolean> groupFlags;
        String problem;
    }

    private Fields readFields(JsonParser p) {
        Fields f = new Fields();
        if (p.nextToken() != JsonToken.START_OBJECT) {
            f.problem = "expected a JSON object";
            return f;
        }
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "type" -> f.type = scalar(p, value, name, f);
                case "id" -> f.id = scalar(p, value, name, f);
                case "group" -> f.group = scalar(p, value, name, f);
                case "user" -> f.user = scalar(p, value, name, f);
                case "session" -> f.session = scalar(p, value, name, f);
                case "node" -> f.node = scalar(p, value, name, f);
                case "from" -> f.from = scalar(p, value, name, f);
                case "code" -> f.code = scalar(p, value, name, f);
                case "message" -> f.message = scalar(p, value, name, f);
                case "data" -> f.data = copyValue(p);
                case "ts" -> f.ts = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : fail(f, "'ts' must be an integer");
                case "heartbeat" -> f.heartbeat = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : fail(f, "'heartbeat' must be an integer");
                case "broadcast" -> f.broadcast = value == JsonToken.VALUE_TRUE;
                case "offset" -> f.offset = offset(p, value, f);
                case "epoch" -> f.epoch = epoch(p, value, f);
                case "recovered" -> f.recovered = value == JsonToken.VALUE_TRUE;
                case "exp" -> f.exp = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : fail(f, "'exp' must be an integer");
                case "token" -> f.token = scalar(p, value, name, f);
                case "event" -> f.event = scalar(p, value, name, f);
                case "groups" -> readGroups(p, value, f);
                default -> p.skipChildren();
            }
            if (f.problem != null) {
                return f;
            }
        }
        if (p.nextToken() != null) {
            f.problem = "trailing content after the JSON object";
        }
        return f;
    }

    /** Strings and numbers are accepted for scalar members (clients often send numeric ids); null means absent. */
    private static String scalar(JsonParser p, JsonToken value, String name, Fields f) {
        return switch (value) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getString();
            case VALUE_NULL -> null;
            default -> {
                p.skipChildren();
                yield fail(f, "'" + name + "' must be a string");
            }
        };
    }

    private static Long offset(JsonParser p, JsonToken value, Fields f) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                && p.getNumberType() != JsonParser.NumberType.LONG || p.getLongValue() < 0) {
            p.skipChildren();
            return fail(f, "'offset' must be a non-negative integer");
        }
        return p.getLongValue();
    }

    private static String epoch(JsonParser p, JsonToken value, Fields f) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING || !StreamPosition.isValidEpoch(p.getString())) {
            p.skipChildren();
            return fail(f, "'epoch' must be a string of 1 to 64 letters, digits, '-' or '_'");
        }
        return p.getString();
    }

    /** {@code "groups":{"g":{"offset":7,"epoch":"E"}, "h":null}} (resume) or {@code {"g":true}} (resumed). */
    private static void readGroups(JsonParser p, JsonToken value, Fields f) {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            fail(f, "'groups' must be an object");
            return;
        }
        Map<String, StreamPosition> positions = new LinkedHashMap<>();
        Map<String, Boolean> flags = new LinkedHashMap<>();
        String group;
        while ((group = p.nextName()) != null) {
            JsonToken v = p.nextToken();
            if (!Names.isValid(group)) {
                p.skipChildren();
                fail(f, "group names in 'groups' must be 1 to " + Names.MAX_LENGTH + " characters without control characters");
                return;
            }
            if (positions.size() + flags.size() >= MAX_RESUME_GROUPS) {
                p.skipChildren();
                fail(f, "'groups' lists more than " + MAX_RESUME_GROUPS + " groups");
                return;
            }
            switch (v) {
                case VALUE_TRUE, VALUE_FALSE -> flags.put(group, v == JsonToken.VALUE_TRUE);
                case VALUE_NULL -> positions.put(group, null);
                case START_OBJECT -> {
                    Long offset = null;
                    String epoch = null;
                    String name;
                    while ((name = p.nextName()) != null) {
                        JsonToken member = p.nextToken();
                        switch (name) {
                            case "offset" -> offset = offset(p, member, f);
                            case "epoch" -> epoch = epoch(p, member, f);
                            default -> p.skipChildren();
                        }
                        if (f.problem != null) {
                            return;
                        }
                    }
                    positions.put(group, offset == null || epoch == null ? null : new StreamPosition(offset, epoch));
                }
                default -> {
                    p.skipChildren();
                    fail(f, "each entry of 'groups' must be an object with offset and epoch");
                    return;
                }
            }
        }
        f.groupPositions = positions;
        f.groupFlags = flags;
    }

    private static StreamPosition position(Fields f) {
        return f.offset == null || f.epoch == null ? null : new StreamPosition(f.offset, f.epoch);
    }

    private static <T> T fail(Fields f, String problem) {
        f.problem = problem;
        return null;
    }

    private RawJson copyValue(JsonParser p) {
        StringWriter text = new StringWriter(64);
        try (JsonGenerator g = json.createGenerator(ObjectWriteContext.empty(), text)) {
            g.copyCurrentStructureExact(p);
        }
        return new RawJson(text.toString());
    }

    private static DecodeResult<ClientMessage> toClientMessage(Fields f) {
        if (f.type == null) {
            return DecodeResult.invalid("'type' is required");
        }
        return switch (f.type) {
            case "ping" -> DecodeResult.ok(new ClientMessage.Ping(f.id));
            case "join" -> Names.isValid(f.group) ? DecodeResult.ok(new ClientMessage.Join(f.group)) : nameProblem(f.group, "group", f.type);
            case "leave" -> Names.isValid(f.group) ? DecodeResult.ok(new ClientMessage.Leave(f.group)) : nameProblem(f.group, "group", f.type);
            case "publish" -> {
                if (!Names.isValid(f.group)) {
                    yield nameProblem(f.group, "group", f.type);
                }
                yield f.data == null ? DecodeResult.invalid("'data' is required for type 'publish'")
                        : DecodeResult.ok(new ClientMessage.Publish(f.group, f.data));
            }
            case "send" -> {
                if (!Names.isValid(f.user)) {
                    yield nameProblem(f.user, "user", f.type);
                }
                yield f.data == null ? DecodeResult.invalid("'data' is required for type 'send'")
                        : DecodeResult.ok(new ClientMessage.Send(f.user, f.data));
            }
            case "resume" -> {
                if ((f.offset == null) != (f.epoch == null)) {
                    yield DecodeResult.invalid("'resume' needs both offset and epoch, or neither");
                }
                if (f.groupFlags != null && !f.groupFlags.isEmpty()) {
                    yield DecodeResult.invalid("each entry of 'groups' must be an object with offset and epoch");
                }
                yield DecodeResult.ok(new ClientMessage.Resume(position(f), f.groupPositions == null ? Map.of() : f.groupPositions));
            }
            case "refresh" -> f.token == null || f.token.isBlank() ? DecodeResult.invalid("'token' is required for type 'refresh'")
                    : DecodeResult.ok(new ClientMessage.Refresh(f.token));
            default -> DecodeResult.invalid("unknown type '" + shorten(f.type) + "'");
        };
    }

    private static <T> DecodeResult<T> nameProblem(String value, String field, String type) {
        return value == null ? DecodeResult.invalid("'" + field + "' is required for type '" + type + "'")
                : DecodeResult.invalid("'" + field + "' must be 1 to " + Names.MAX_LENGTH + " characters without control characters");
    }

    private static DecodeResult<ServerMessage> toServerMessage(Fields f) {
        if (f.type == null) {
            return DecodeResult.invalid("'type' is required");
        }
        return switch (f.type) {
            case "connected" -> f.session == null || f.user == null || f.node == null || f.heartbeat == null
                    ? DecodeResult.invalid("'connected' needs session, user, node and heartbeat")
                    : DecodeResult.ok(new ServerMessage.Connected(f.session, f.user, f.node, f.heartbeat, position(f)));
            case "pong" -> DecodeResult.ok(new ServerMessage.Pong(f.id));
            case "joined" -> f.group == null ? DecodeResult.invalid("'group' is required for type 'joined'")
                    : DecodeResult.ok(new ServerMessage.Joined(f.group, position(f)));
            case "left" -> f.group == null ? DecodeResult.invalid("'group' is required for type 'left'")
                    : DecodeResult.ok(new ServerMessage.Left(f.group));
            case "message" -> toDelivery(f);
            case "resumed" -> DecodeResult.ok(new ServerMessage.Resumed(Boolean.TRUE.equals(f.recovered),
                    f.groupFlags == null ? Map.of() : f.groupFlags));
            case "refreshed" -> f.exp == null ? DecodeResult.invalid("'exp' is required for type 'refreshed'")
                    : DecodeResult.ok(new ServerMessage.Refreshed(f.exp));
            case "presence" -> {
                ServerMessage.PresenceEvent event = f.event == null ? null : ServerMessage.PresenceEvent.fromWire(f.event);
                yield f.group == null || f.user == null || event == null
                        ? DecodeResult.invalid("'presence' needs group, user and event join or leave")
                        : DecodeResult.ok(new ServerMessage.Presence(f.group, f.user, event));
            }
            case "error" -> {
                ErrorCode code = ErrorCode.fromWire(f.code);
                yield code == null ? DecodeResult.invalid("unknown error code '" + shorten(String.valueOf(f.code)) + "'")
                        : DecodeResult.ok(new ServerMessage.ErrorReply(code, f.message == null ? "" : f.message));
            }
            default -> DecodeResult.invalid("unknown type '" + shorten(f.type) + "'");
        };
    }

    private static DecodeResult<ServerMessage> toDelivery(Fields f) {
        if (f.id == null || f.ts == null || f.data == null) {
            return DecodeResult.invalid("'message' needs id, data and ts");
        }
        Target target;
        if (f.user != null) {
            target = new Target.User(f.user);
        }
        else if (f.group != null) {
            target = new Target.Group(f.group);
        }
        else if (f.broadcast) {
            target = Target.Broadcast.INSTANCE;
        }
        else {
            return DecodeResult.invalid("'message' needs user, group or broadcast");
        }
        return DecodeResult.ok(new ServerMessage.Delivery(f.id, f.from, target, f.data, f.ts, position(f)));
    }

    private static <T> DecodeResult<T> malformed(JacksonException e) {
        return DecodeResult.invalid("malformed JSON: " + shorten(e.getOriginalMessage()));
    }

    private static String shorten(String s) {
        return s.length() <= MAX_ERROR_DETAIL ? s : s.substring(0, MAX_ERROR_DETAIL) + "...";
    }

    // ---- writing

    private static void writeDelivery(JsonGenerator g, ServerMessage.Delivery d) {
        g.writeStringProperty("type", "message");
        g.writeStringProperty("id", d.id());
        writeOptional(g, "from", d.from());
        switch (d.target()) {
            case Target.User u -> g.writeStringProperty("user", u.user());
            case Target.Group gr -> g.writeStringProperty("group", gr.group());
            case Target.Broadcast b -> g.writeBooleanProperty("broadcast", true);
        }
        writeData(g, d.data());
        g.writeNumberProperty("ts", d.ts());
        writePosition(g, d.position());
    }

    /** Offset then epoch, last in the object, the layout {@link #withPosition} produces. */
    private static void writePosition(JsonGenerator g, StreamPosition position) {
        if (position != null) {
            g.writeNumberProperty("offset", position.offset());
            g.writeStringProperty("epoch", position.epoch());
        }
    }

    private static void writeData(JsonGenerator g, RawJson data) {
        g.writeName("data");
        g.writeRawValue(data.json());
    }

    private static void writeOptional(JsonGenerator g, String name, String value) {
        if (value != null) {
            g.writeStringProperty(name, value);
        }
    }
}
