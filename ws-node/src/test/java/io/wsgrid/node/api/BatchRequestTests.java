package io.wsgrid.node.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.node.api.BatchRequest.Item;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchRequestTests {

    private static List<Item> parse(String json) {
        return BatchRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryKindOfItemInOrderKeepingDataRaw() {
        List<Item> items = parse("""
                {"messages":[{"user":"a","data":{"x": [1, 2.50]}},{"users":["a","b"],"data":"s"},
                 {"data":null,"group":"room:1"},{"broadcast":true,"data":true}], "ignored": {"k": 1}}""");
        assertThat(items).containsExactly(
                new Item.ToUser("a", RawJson.of("{\"x\":[1,2.50]}")),
                new Item.ToUsers(List.of("a", "b"), RawJson.of("\"s\"")),
                new Item.ToGroup("room:1", RawJson.NULL),
                new Item.Broadcast(RawJson.of("true")));
    }

    @Test
    void aBadItemBecomesAnErrorInItsPlaceAndTheNextOnesStillParse() {
        List<Item> items = parse("""
                {"messages":[{"user":"a"},{"user":"a","group":"g","data":1},{"user":{"nested":[1]},"data":2},7,
                 {"users":[],"data":1},{"users":["ok","\\u0001"],"data":1},{"broadcast":false,"data":1},{"user":"b","data":3}]}""");
        assertThat(items).hasSize(8);
        assertThat(items.subList(0, 7)).allMatch(Item.Invalid.class::isInstance);
        assertThat(((Item.Invalid) items.get(0)).error()).contains("'data' is required");
        assertThat(((Item.Invalid) items.get(1)).error()).contains("exactly one of");
        assertThat(((Item.Invalid) items.get(3)).error()).contains("JSON object");
        assertThat(items.get(7)).isEqualTo(new Item.ToUser("b", RawJson.of("3")));
    }

    @Test
    void aThousandItemsAreFineOneMoreIsRefusedWhole() {
        assertThat(parse(batchOf(1000))).hasSize(1000);
        assertThatThrownBy(() -> parse(batchOf(1001))).isInstanceOf(BatchRequest.Refused.class).hasMessageContaining("at most 1000");
    }

    @Test
    void aBodyWithoutAMessagesArrayIsRefused() {
        assertThatThrownBy(() -> parse("[]")).isInstanceOf(BatchRequest.Refused.class);
        assertThatThrownBy(() -> parse("{}")).isInstanceOf(BatchRequest.Refused.class).hasMessageContaining("'messages' is required");
        assertThatThrownBy(() -> parse("{\"messages\":{}}")).isInstanceOf(BatchRequest.Refused.class);
        assertThatThrownBy(() -> parse("{\"messages\":[{\"user\":\"a\",\"data\":1}")).isInstanceOf(BatchRequest.Refused.class)
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> parse("{\"messages\":[]} x")).isInstanceOf(BatchRequest.Refused.class);
    }

    static String batchOf(int n) {
        StringBuilder b = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"user\":\"u").append(i).append("\",\"data\":").append(i).append('}');
        }
        return b.append("]}").toString();
    }
}
