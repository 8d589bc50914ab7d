package io.wsgrid.node.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import io.wsgrid.node.session.Session;
import io.wsgrid.node.session.SessionRegistry;

import org.springframework.stereotype.Component;

/**
 * Where every session of this node is registered: by (tenant, user), by (tenant, group) and by tenant. The hub is
 * split into shards by hash(tenant, user); a session, its user entry and its group memberships live in one shard, under
 * that shard's lock. Lookups return immutable snapshot arrays taken under the lock, so senders write to sessions
 * after releasing it and never hold a lock while doing I/O. Changes (connect, join, leave) copy the small arrays they
 * touch; sends, which are far more frequent, copy nothing.
 */
@Component
public class Hub implements SessionRegistry {

    private static final Session[] NONE = new Session[0];

    private final Shard[] shards;
    /** Every registered session by id (REST calls address one session). */
    private final java.util.concurrent.ConcurrentHashMap<String, Session> byId = new java.util.concurrent.ConcurrentHashMap<>();
    private final int mask;
    private final int maxGroupsPerSession;

    public Hub(HubProperties properties) {
        shards = new Shard[properties.shards()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard();
        }
        mask = shards.length - 1;
        maxGroupsPerSession = properties.maxGroupsPerSession();
    }

    /** What a join attempt did. */
    public enum JoinResult { JOINED, ALREADY_MEMBER, TOO_MANY_GROUPS, CLOSED }

    Shard shardOf(String tenant, String user) {
        int h = tenant.hashCode() * 31 + user.hashCode();
        return shards[(h ^ (h >>> 16)) & mask];
    }

    /** Registers an open session. */
    public void register(Session s) {
        register(s, () -> null);
    }

    /**
     * Registers an open session and runs {@code whileLocked} under the same shard lock, so no send to the session's
     * user can interleave (a standalone node reads the user stream's top and takes the offline queue there).
     */
    public <R> R register(Session s, java.util.function.Supplier<R> whileLocked) {
        Shard shard = shardOf(s.tenant(), s.user());
        synchronized (shard) {
            shard.add(s);
            byId.put(s.id(), s);
            return whileLocked.get();
        }
    }

    /** Removes a session and all its group memberships. Returns false when it was not registered. */
    public boolean unregister(Session s) {
        Shard shard = shardOf(s.tenant(), s.user());
        synchronized (shard) {
            boolean removed = shard.remove(s);
            if (removed) {
                byId.remove(s.id(), s);
            }
            return removed;
        }
    }

    /** The registered session with that id, or null. */
    public Session session(String id) {
        return byId.get(id);
    }

    /** Every registered session by id (a live view, for writing the cluster state again). */
    public java.util.Map<String, Session> sessionsById() {
        return java.util.Collections.unmodifiableMap(byId);
    }

    /** The distinct users of the tenant with a session on this node, sorted. */
    public java.util.NavigableSet<String> tenantUsers(String tenant) {
        java.util.TreeSet<String> users = new java.util.TreeSet<>();
        for (Session[] snapshot : tenantSessions(tenant)) {
            if (snapshot != null) {
                for (Session s : snapshot) {
                    users.add(s.user());
                }
            }
        }
        return users;
    }

    public JoinResult join(Session s, String group) {
        Shard shard = shardOf(s.tenant(), s.user());
        synchronized (shard) {
            if (!shard.contains(s)) {
                return JoinResult.CLOSED;
            }
            if (s.groups().contains(group)) {
                return JoinResult.ALREADY_MEMBER;
            }
            if (s.groups().size() >= maxGroupsPerSession) {
                return JoinResult.TOO_MANY_GROUPS;
            }
            shard.join(s, group);
            return JoinResult.JOINED;
        }
    }

    /** Returns false when the session was not a member. */
    public boolean leave(Session s, String group) {
        Shard shard = shardOf(s.tenant(), s.user());
        synchronized (shard) {
            return shard.leave(s, group);
        }
    }

    /** Whether the session is a member of the group. */
    public boolean isMember(Session s, String group) {
        Shard shard = shardOf(s.tenant(), s.user());
        synchronized (shard) {
            return s.groups().contains(group);
        }
    }

    /** Joins every session of the user to the group; returns the sessions that newly joined. */
    public Session[] joinUser(String tenant, String user, String group) {
        Shard shard = shardOf(tenant, user);
        synchronized (shard) {
            List<Session> joined = new ArrayList<>();
            for (Session s : shard.users.getOrDefault(new Key(tenant, user), NONE)) {
                if (!s.groups().contains(group) && s.groups().size() < maxGroupsPerSession) {
                    shard.join(s, group);
                    joined.add(s);
                }
            }
            return joined.toArray(NONE);
        }
    }

    /** Removes every session of the user from the group; returns the sessions that left. */
    public Session[] leaveUser(String tenant, String user, String group) {
        Shard shard = shardOf(tenant, user);
        synchronized (shard) {
            List<Session> left = new ArrayList<>();
            for (Session s : shard.users.getOrDefault(new Key(tenant, user), NONE)) {
                if (shard.leave(s, group)) {
                    left.add(s);
                }
            }
            return left.toArray(NONE);
        }
    }

    /** The user's sessions on this node (a snapshot, read without locking; empty when offline here). */
    public Session[] userSessions(String tenant, String user) {
        return shardOf(tenant, user).users.getOrDefault(new Key(tenant, user), NONE);
    }

    /**
     * Runs {@code whileLocked} with the user's sessions under the shard lock, so a registration cannot interleave
     * (used to decide between delivering and queueing a message exactly once).
     */
    public <R> R withUser(String tenant, String user, Function<Session[], R> whileLocked) {
        Shard shard = shardOf(tenant, user);
        synchronized (shard) {
            return whileLocked.apply(shard.users.getOrDefault(new Key(tenant, user), NONE));
        }
    }

    /** Snapshots of the group's sessions, one array (or null) per shard. */
    public Session[][] groupSessions(String tenant, String group) {
        Key key = new Key(tenant, group);
        return perShard(shard -> shard.groups.get(key));
    }

    /** Whether any session of this node is in the group (read without locking). */
    public boolean hasGroup(String tenant, String group) {
        Key key = new Key(tenant, group);
        for (Shard shard : shards) {
            Session[] sessions = shard.groups.get(key);
            if (sessions != null && sessions.length > 0) {
                return true;
            }
        }
        return false;
    }

    /** Snapshots of the tenant's sessions, one array (or null) per shard. */
    public Session[][] tenantSessions(String tenant) {
        return perShard(shard -> shard.tenants.get(tenant));
    }

    /** Snapshots of every session, one array per shard. */
    @Override
    public Session[][] allSessions() {
        return perShard(shard -> shard.all);
    }

    /** Reads one copy-on-write array from every shard, without locking (see {@link Shard}). */
    private Session[][] perShard(Function<Shard, Session[]> read) {
        Session[][] out = new Session[shards.length][];
        for (int i = 0; i < shards.length; i++) {
            out[i] = read.apply(shards[i]);
        }
        return out;
    }

    /** The distinct users of the tenant that have a session in the group, sorted, and the group's session count. */
    public GroupView group(String tenant, String group) {
        Set<String> users = new TreeSet<>();
        int sessions = 0;
        for (Session[] snapshot : groupSessions(tenant, group)) {
            if (snapshot != null) {
                sessions += snapshot.length;
                for (Session s : snapshot) {
                    users.add(s.user());
                }
            }
        }
        return new GroupView(group, List.copyOf(users), sessions);
    }

    /**
     * This node's presence and membership, for writing the cluster state again: sessions per (tenant, user) and, per
     * (tenant, group), sessions per user. Keys join tenant and name with {@code join}.
     */
    public LocalState localState(java.util.function.BinaryOperator<String> join) {
        java.util.Map<String, Integer> sessions = new java.util.HashMap<>();
        java.util.Map<String, java.util.Map<String, Integer>> groups = new java.util.HashMap<>();
        for (Shard shard : shards) {
            synchronized (shard) {
                for (Session s : shard.all) {
                    sessions.merge(join.apply(s.tenant(), s.user()), 1, Integer::sum);
                    for (String group : s.groups()) {
                        groups.computeIfAbsent(join.apply(s.tenant(), group), k -> new java.util.HashMap<>()).merge(s.user(), 1, Integer::sum);
                    }
                }
            }
        }
        return new LocalState(sessions, groups);
    }

    /** See {@link #localState}. */
    public record LocalState(java.util.Map<String, Integer> sessionsPerUser, java.util.Map<String, java.util.Map<String, Integer>> groups) {
    }

    /** Counts for {@code GET /api/v1/stats}. */
    public HubStats stats() {
        int[] perShard = new int[shards.length];
        int sessions = 0;
        int users = 0;
        int groups = 0;
        for (int i = 0; i < shards.length; i++) {
            Shard shard = shards[i];
            synchronized (shard) {
                perShard[i] = shard.all.length;
                users += shard.users.size();
                groups += shard.groups.size();
            }
            sessions += perShard[i];
        }
        return new HubStats(sessions, users, groups, perShard);
    }

    /** Number of sessions, read without locks (for gauges). */
    public int sessionCount() {
        int n = 0;
        for (Shard shard : shards) {
            n += shard.all.length;
        }
        return n;
    }

    /** Number of distinct (tenant, user) pairs online, read without locks (for gauges). */
    public int userCount() {
        int n = 0;
        for (Shard shard : shards) {
            n += shard.userCount;
        }
        return n;
    }

    /** Group membership as seen by one node. */
    public record GroupView(String group, List<String> users, int sessions) {
    }

    /** Session counts of this node. */
    public record HubStats(int sessions, int users, int groups, int[] perShard) {

        @Override
        public boolean equals(Object o) {
            return o instanceof HubStats other && sessions == other.sessions && users == other.users
                    && groups == other.groups && Arrays.equals(perShard, other.perShard);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * sessions + users) + groups) + Arrays.hashCode(perShard);
        }

        @Override
        public String toString() {
            return "HubStats[sessions=" + sessions + ", users=" + users + ", groups=" + groups + "]";
        }
    }

    record Key(String tenant, String name) {
    }
}
