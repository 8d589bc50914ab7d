package io.wsgrid.node.hub;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.wsgrid.node.hub.Hub.Key;
import io.wsgrid.node.session.Session;

/**
 * One shard of the hub. Every method that changes it is called with the shard's monitor held. Values are immutable
 * arrays replaced on change (copy-on-write) in concurrent maps, so senders read a valid snapshot without the lock:
 * the send path never waits for a connect, and never takes a hub lock while holding another (the stream sequencer
 * delivers under its own lock).
 */
final class Shard {

    private static final Session[] NONE = new Session[0];

    final Map<Key, Session[]> users = new ConcurrentHashMap<>();
    final Map<Key, Session[]> groups = new ConcurrentHashMap<>();
    final Map<String, Session[]> tenants = new ConcurrentHashMap<>();
    /** Every session of the shard; volatile so gauges can read it without the lock. */
    volatile Session[] all = NONE;
    volatile int userCount;

    void add(Session s) {
        users.merge(new Key(s.tenant(), s.user()), new Session[] {s}, Shard::concat);
        tenants.merge(s.tenant(), new Session[] {s}, Shard::concat);
        all = concat(all, new Session[] {s});
        userCount = users.size();
    }

    boolean contains(Session s) {
        return indexOf(users.get(new Key(s.tenant(), s.user())), s) >= 0;
    }

    boolean remove(Session s) {
        Key userKey = new Key(s.tenant(), s.user());
        if (!removeFrom(users, userKey, s)) {
            return false;
        }
        removeFrom(tenants, s.tenant(), s);
        all = without(all, s);
        // The session keeps its group names so the router can tell the cluster what it left.
        for (String group : s.groups()) {
            removeFrom(groups, new Key(s.tenant(), group), s);
        }
        userCount = users.size();
        return true;
    }

    void join(Session s, String group) {
        s.groups().add(group);
        groups.merge(new Key(s.tenant(), group), new Session[] {s}, Shard::concat);
    }

    boolean leave(Session s, String group) {
        if (!s.groups().remove(group)) {
            return false;
        }
        removeFrom(groups, new Key(s.tenant(), group), s);
        return true;
    }

    private static <K> boolean removeFrom(Map<K, Session[]> map, K key, Session s) {
        Session[] current = map.get(key);
        if (indexOf(current, s) < 0) {
            return false;
        }
        if (current.length == 1) {
            map.remove(key);
        }
        else {
            map.put(key, without(current, s));
        }
        return true;
    }

    private static int indexOf(Session[] sessions, Session s) {
        if (sessions != null) {
            for (int i = 0; i < sessions.length; i++) {
                if (sessions[i] == s) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Session[] concat(Session[] a, Session[] b) {
        Session[] out = new Session[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Session[] without(Session[] sessions, Session s) {
        int i = indexOf(sessions, s);
        if (i < 0) {
            return sessions;
        }
        Session[] out = new Session[sessions.length - 1];
        System.arraycopy(sessions, 0, out, 0, i);
        System.arraycopy(sessions, i + 1, out, i, sessions.length - i - 1);
        return out;
    }
}
