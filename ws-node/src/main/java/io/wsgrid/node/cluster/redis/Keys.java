package io.wsgrid.node.cluster.redis;

/**
 * Redis key and channel names of one cluster, all under its prefix. Tenant and user/group names may contain ':' but
 * never control characters, so they are joined with the unit separator (0x1F) to keep keys unambiguous. Every key of
 * one user or group carries the hash tag {@code {tenant SEP name}}, so in Redis Cluster a user's presence, offline
 * queue and stream (or a group's stream) live in one slot and each script touches one slot only.
 */
public record Keys(String prefix) {

    private static final char SEP = '\u001f';

    String node(String node) {
        return prefix + ":node:" + node;
    }

    /** Prefix of {@link #node} keys, for scripts that build them. */
    String nodePrefix() {
        return prefix + ":node:";
    }

    String nodes() {
        return prefix + ":nodes";
    }

    String presence(String tenant, String user) {
        return prefix + ":presence:" + tag(tenant, user);
    }

    String offline(String tenant, String user) {
        return prefix + ":offline:" + tag(tenant, user);
    }

    /** A stream's offset counter and epoch (a hash: top, epoch). */
    String streamMeta(io.wsgrid.node.history.StreamId stream) {
        return prefix + ":meta:" + kind(stream) + tag(stream.tenant(), stream.name());
    }

    /** A stream's recent messages (a list of "offset millis frame"). */
    String streamHistory(io.wsgrid.node.history.StreamId stream) {
        return prefix + ":hist:" + kind(stream) + tag(stream.tenant(), stream.name());
    }

    private static String kind(io.wsgrid.node.history.StreamId stream) {
        return stream.kind() == io.wsgrid.node.history.StreamId.Kind.USER ? "u:" : "g:";
    }

    private static String tag(String tenant, String name) {
        return "{" + tenant + SEP + name + "}";
    }

    /** The set of "tenant SEP user" entries a node has presence for (to clean up after the node dies). */
    String nodeUsers(String node) {
        return prefix + ":nodeusers:" + node;
    }

    String members(String node, String tenant, String group) {
        return prefix + ":members:" + node + ":" + tenant + SEP + group;
    }

    String nodeGroups(String node) {
        return prefix + ":nodegroups:" + node;
    }

    /** A node's sessions: a hash of session id to "tenant SEP user" (REST calls address one session). */
    String nodeSessions(String node) {
        return prefix + ":sessions:" + node;
    }

    /** The tenant's users that connected recently (a sorted set scored by connect time), pruned lazily. */
    String online(String tenant) {
        return prefix + ":online:{" + tenant + "}";
    }

    /** The user's durable groups (a set), in the user's slot. */
    String userGroups(String tenant, String user) {
        return prefix + ":ugroups:" + tag(tenant, user);
    }

    /** The group's durable members (a set), in the group's slot. */
    String groupMembers(String tenant, String group) {
        return prefix + ":gmembers:" + tag(tenant, group);
    }

    /** A group's session count per user over the cluster (presence events), in the group's slot. */
    String groupPresence(String tenant, String group) {
        return prefix + ":gpres:" + tag(tenant, group);
    }

    /** Each node's share of {@link #groupPresence}: "node SEP user" to sessions, in the same slot. */
    String groupPresenceShares(String tenant, String group) {
        return prefix + ":gpresn:" + tag(tenant, group);
    }

    /** The "tenant SEP group" entries a node has a presence share in. */
    String nodePresenceGroups(String node) {
        return prefix + ":presgroups:" + node;
    }

    /** The nodes that have presence shares (so dead ones are found even after the node list forgot them). */
    String presenceNodes() {
        return prefix + ":presnodes";
    }

    String presenceJanitorLock(String node) {
        return prefix + ":presjanitor:" + node;
    }

    String janitorLock(String node) {
        return prefix + ":janitor:" + node;
    }
}
