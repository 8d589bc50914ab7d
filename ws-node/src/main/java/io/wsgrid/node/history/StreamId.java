package io.wsgrid.node.history;

/**
 * One stream of messages: the user stream of a (tenant, user) or the group stream of a (tenant, group). Every user
 * and group message is appended to exactly one stream, which gives it its offset.
 */
public record StreamId(String tenant, Kind kind, String name) {

    public enum Kind { USER, GROUP }

    public static StreamId user(String tenant, String user) {
        return new StreamId(tenant, Kind.USER, user);
    }

    public static StreamId group(String tenant, String group) {
        return new StreamId(tenant, Kind.GROUP, group);
    }
}
