package io.wsgrid.common.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolCodecTests {

    private final ProtocolCodec codec = ProtocolCodec.INSTANCE;

    static Stream<ClientMessage> clientMessages() {
        return Stream.of(
                new ClientMessage.Ping("7"),
                new ClientMessage.Ping(null),
                new ClientMessage.Join("room-1"),
                new ClientMessage.Leave("room-1"),
                new ClientMessage.Publish("room-1", RawJson.of("{\"text\":\"hi \\\"there\\\"\",\"n\":[1,2.5,true,null]}")),
                new ClientMessage.Send("bob", RawJson.of("\"just a string\"")),
                new ClientMessage.Resume(new StreamPosition(41, "E"), Map.of("g", new StreamPosition(7, "E2"))),
                new ClientMessage.Resume(null, Map.of()),
                new ClientMessage.Refresh("a.b.c"));
    }

    static Stream<ServerMessage> serverMessages() {
        return Stream.of(
                new ServerMessage.Connected("s-1", "alice", "node1", 25, new StreamPosition(41, "E")),
                new ServerMessage.Connected("s-1", "alice", "node1", 25, null),
                new ServerMessage.Pong("7"),
                new ServerMessage.Joined("g", new StreamPosition(0, "E2")),
                new ServerMessage.Resumed(true, Map.of("g", true, "h", false)),
                new ServerMessage.Refreshed(1732000000L),
                new ServerMessage.Presence("g", "alice", ServerMessage.PresenceEvent.LEAVE),
                new ServerMessage.Left("g"),
                new ServerMessage.Delivery("018f-id", "alice", new Target.User("bob"), RawJson.of("{\"a\":1}"), 1732000000000L, new StreamPosition(42, "E")),
                new ServerMessage.Delivery("018f-id", null, new Target.Group("g"), RawJson.of("[1,2,3]"), 1L, new StreamPosition(7, "x_1-2")),
                new ServerMessage.Delivery("018f-id", null, Target.Broadcast.INSTANCE, RawJson.of("12345678901234567890.5"), 2L, null),
                new ServerMessage.ErrorReply(ErrorCode.RATE_LIMITED, "slow down"));
    }

    @ParameterizedTest
    @MethodSource("clientMessages")
    void everyClientMessageRoundTrips(ClientMessage message) {
        assertThat(codec.decodeClient(codec.encode(message))).isEqualTo(DecodeResult.ok(message));
    }

    @ParameterizedTest
    @MethodSource("serverMessages")
    void everyServerMessageRoundTrips(ServerMessage message) {
        assertThat(codec.decodeServer(codec.encode(message))).isEqualTo(DecodeResult.ok(message));
    }

    @Test
    void deliveryMatchesTheContractLayout() {
        var d = new ServerMessage.Delivery("id1", "alice", new Target.User("bob"), RawJson.of("{\"x\":1}"), 1732000000000L, null);
        assertThat(new String(codec.encode(d), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"message\",\"id\":\"id1\",\"from\":\"alice\",\"user\":\"bob\",\"data\":{\"x\":1},\"ts\":1732000000000}");
        var b = new ServerMessage.Delivery("id2", null, Target.Broadcast.INSTANCE, RawJson.NULL, 5L, null);
        assertThat(new String(codec.encode(b), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"message\",\"id\":\"id2\",\"broadcast\":true,\"data\":null,\"ts\":5}");
    }

    @Test
    void connectedMatchesTheContractLayout() {
        assertThat(new String(codec.encode(new ServerMessage.Connected("s", "alice", "node1", 25, new StreamPosition(41, "E"))), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"connected\",\"session\":\"s\",\"user\":\"alice\",\"node\":\"node1\",\"heartbeat\":25,\"offset\":41,\"epoch\":\"E\"}");
    }

    @Test
    void resumeFramesMatchTheContractLayout() {
        assertThat(codec.decodeClient("{\"type\":\"resume\",\"offset\":41,\"epoch\":\"E\",\"groups\":{\"g\":{\"offset\":7,\"epoch\":\"E2\"},\"h\":null}}"))
                .isEqualTo(DecodeResult.ok(new ClientMessage.Resume(new StreamPosition(41, "E"),
                        new java.util.LinkedHashMap<>(java.util.Map.of("g", new StreamPosition(7, "E2"))) {{ put("h", null); }})));
        assertThat(new String(codec.encode(new ServerMessage.Resumed(true, Map.of("g", true))), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"resumed\",\"recovered\":true,\"groups\":{\"g\":true}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"resume\",\"offset\":-1,\"epoch\":\"E\"}",
            "{\"type\":\"resume\",\"offset\":1.5,\"epoch\":\"E\"}",
            "{\"type\":\"resume\",\"offset\":3}",
            "{\"type\":\"resume\",\"offset\":3,\"epoch\":\"has space\"}",
            "{\"type\":\"resume\",\"groups\":[1]}",
            "{\"type\":\"resume\",\"groups\":{\"g\":true}}",
            "{\"type\":\"resume\",\"groups\":{\"g\":{\"offset\":\"x\",\"epoch\":\"E\"}}}",
            "{\"type\":\"refresh\"}",
            "{\"type\":\"refresh\",\"token\":\" \"}"})
    void badResumeAndRefreshFramesAreRefused(String frame) {
        assertThat(codec.decodeClient(frame)).isInstanceOfSatisfying(DecodeResult.Invalid.class,
                invalid -> assertThat(invalid.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void resumeListingTooManyGroupsIsRefused() {
        StringBuilder frame = new StringBuilder("{\"type\":\"resume\",\"groups\":{");
        for (int i = 0; i <= ProtocolCodec.MAX_RESUME_GROUPS; i++) {
            frame.append(i == 0 ? "" : ",").append("\"g").append(i).append("\":null");
        }
        assertThat(codec.decodeClient(frame.append("}}").toString())).isInstanceOf(DecodeResult.Invalid.class);
    }

    @Test
    void thePositionIsReadBackFromAnEncodedMessage() {
        var with = new ServerMessage.Delivery("id1", null, new Target.User("u"), RawJson.of("{\"epoch\":\"x\",\"offset\":1}"), 9L, new StreamPosition(42, "E1"));
        assertThat(ProtocolCodec.positionOf(codec.encode(with))).isEqualTo(new StreamPosition(42, "E1"));
        var without = new ServerMessage.Delivery("id1", null, Target.Broadcast.INSTANCE, RawJson.of("{\"epoch\":\"x\"}"), 9L, null);
        assertThat(ProtocolCodec.positionOf(codec.encode(without))).isNull();
    }

    @Test
    void splicingAPositionGivesTheSameBytesAsEncodingIt() {
        var without = new ServerMessage.Delivery("id1", null, new Target.Group("g"), RawJson.of("{\"x\":\"}\"}"), 9L, null);
        var with = new ServerMessage.Delivery("id1", null, new Target.Group("g"), RawJson.of("{\"x\":\"}\"}"), 9L, new StreamPosition(1234567890123L, "Ab-_9"));
        assertThat(ProtocolCodec.withPosition(codec.encode(without), 1234567890123L, "Ab-_9")).isEqualTo(codec.encode(with));
    }

    @Test
    void dataKeepsItsValueExactly() {
        var decoded = codec.decodeClient("{\"type\":\"publish\",\"group\":\"g\",\"data\":{\"big\":123456789012345678901234567890.123456789,\"s\":\"\\u00e9\\n\"}}");
        assertThat(decoded).isInstanceOfSatisfying(DecodeResult.Ok.class, ok -> assertThat(((ClientMessage.Publish) ok.message()).data().json())
                .isEqualTo("{\"big\":123456789012345678901234567890.123456789,\"s\":\"é\\n\"}"));
    }

    @Test
    void numericPingIdsAreAccepted() {
        assertThat(codec.decodeClient("{\"type\":\"ping\",\"id\":7}")).isEqualTo(DecodeResult.ok(new ClientMessage.Ping("7")));
    }

    @Test
    void unknownMembersAreIgnored() {
        assertThat(codec.decodeClient("{\"type\":\"join\",\"extra\":{\"deep\":[1,{\"x\":2}]},\"group\":\"g\"}"))
                .isEqualTo(DecodeResult.ok(new ClientMessage.Join("g")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"type\":", "not json", "{\"type\":\"ping\"}}", "{\"type\":\"ping\"} {}", "\u0000\u0001"})
    void malformedInputIsATypedError(String input) {
        assertThat(codec.decodeClient(input)).isInstanceOfSatisfying(DecodeResult.Invalid.class, invalid -> {
            assertThat(invalid.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(invalid.detail()).isNotBlank();
        });
    }

    @Test
    void nonObjectsAreRefused() {
        for (String input : List.of("[]", "42", "\"ping\"", "null")) {
            assertThat(codec.decodeClient(input)).isEqualTo(DecodeResult.invalid("expected a JSON object"));
        }
    }

    @Test
    void unknownTypeIsNamed() {
        assertThat(codec.decodeClient("{\"type\":\"teleport\"}")).isEqualTo(DecodeResult.invalid("unknown type 'teleport'"));
    }

    @Test
    void missingFieldsAreNamed() {
        assertThat(codec.decodeClient("{\"group\":\"g\"}")).isEqualTo(DecodeResult.invalid("'type' is required"));
        assertThat(codec.decodeClient("{\"type\":\"join\"}")).isEqualTo(DecodeResult.invalid("'group' is required for type 'join'"));
        assertThat(codec.decodeClient("{\"type\":\"publish\",\"group\":\"g\"}")).isEqualTo(DecodeResult.invalid("'data' is required for type 'publish'"));
        assertThat(codec.decodeClient("{\"type\":\"send\",\"data\":1}")).isEqualTo(DecodeResult.invalid("'user' is required for type 'send'"));
        assertThat(codec.decodeServer("{\"type\":\"message\",\"id\":\"x\",\"ts\":1}")).isEqualTo(DecodeResult.invalid("'message' needs id, data and ts"));
    }

    @Test
    void wronglyTypedFieldsAreNamed() {
        assertThat(codec.decodeClient("{\"type\":{\"a\":1}}")).isEqualTo(DecodeResult.invalid("'type' must be a string"));
        assertThat(codec.decodeClient("{\"type\":\"join\",\"group\":[1]}")).isEqualTo(DecodeResult.invalid("'group' must be a string"));
        assertThat(codec.decodeServer("{\"type\":\"message\",\"ts\":\"soon\"}")).isEqualTo(DecodeResult.invalid("'ts' must be an integer"));
    }

    @Test
    void invalidNamesAreRefused() {
        assertThat(codec.decodeClient("{\"type\":\"join\",\"group\":\"\"}")).isInstanceOf(DecodeResult.Invalid.class);
        assertThat(codec.decodeClient("{\"type\":\"join\",\"group\":\"a\\nb\"}")).isInstanceOf(DecodeResult.Invalid.class);
        assertThat(codec.decodeClient("{\"type\":\"join\",\"group\":\"" + "g".repeat(129) + "\"}")).isInstanceOf(DecodeResult.Invalid.class);
    }

    @Test
    void longGarbageGivesAShortDetail() {
        var result = codec.decodeClient("{\"type\":\"" + "x".repeat(10_000) + "\"}");
        assertThat(result).isInstanceOfSatisfying(DecodeResult.Invalid.class, invalid -> assertThat(invalid.detail()).hasSizeLessThan(300));
    }

    @Test
    void restEnvelopeNeedsData() {
        assertThat(codec.decodeDataEnvelope("{\"data\":{\"a\":[1]}}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(DecodeResult.ok(RawJson.of("{\"a\":[1]}")));
        assertThat(codec.decodeDataEnvelope("{\"data\":null}".getBytes(StandardCharsets.UTF_8))).isEqualTo(DecodeResult.ok(RawJson.NULL));
        assertThat(codec.decodeDataEnvelope("{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(DecodeResult.invalid("'data' is required"));
        assertThat(codec.decodeDataEnvelope("{\"data\":".getBytes(StandardCharsets.UTF_8))).isInstanceOf(DecodeResult.Invalid.class);
    }

    @Test
    void unknownErrorCodesAreRefusedByTheClientSide() {
        assertThat(codec.decodeServer("{\"type\":\"error\",\"code\":\"nope\"}")).isInstanceOf(DecodeResult.Invalid.class);
    }
}
