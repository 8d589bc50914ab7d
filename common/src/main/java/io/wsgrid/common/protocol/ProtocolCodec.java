package io.wsgrid.common.protocol;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

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
                }
                case ServerMessage.Pong pong -> {
                    g.writeStringProperty("type", "pong");
                    writeOptional(g, "id", pong.id());
                }
                case ServerMessage.Joined joined -> {
                    g.writeStringProperty("type", "joined");
                    g.writeStringProperty("group", joined.group());
                }
                case ServerMessage.Left left -> {
                    g.writeStringProperty("type", "left");
                    g.writeStringProperty("group", left.group());
                }
                case ServerMessage.Delivery d -> writeDelivery(g, d);
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
                    : DecodeResult.ok(new ServerMessage.Connected(f.session, f.user, f.node, f.heartbeat));
            case "pong" -> DecodeResult.ok(new ServerMessage.Pong(f.id));
            case "joined" -> f.group == null ? DecodeResult.invalid("'group' is required for type 'joined'")
                    : DecodeResult.ok(new ServerMessage.Joined(f.group));
            case "left" -> f.group == null ? DecodeResult.invalid("'group' is required for type 'left'")
                    : DecodeResult.ok(new ServerMessage.Left(f.group));
            case "message" -> toDelivery(f);
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
        return DecodeResult.ok(new ServerMessage.Delivery(f.id, f.from, target, f.data, f.ts));
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
