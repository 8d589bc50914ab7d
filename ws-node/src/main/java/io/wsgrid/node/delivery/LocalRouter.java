package io.wsgrid.node.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.InMemoryHistory;
import io.wsgrid.node.history.StreamId;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.offline.InMemoryOfflineStore;
import io.wsgrid.node.session.Session;

/**
 * The standalone node's router: the hub is the whole cluster, and history and the offline queue live in memory.
 * Appending a user message and deciding between delivering and queueing it happen under the hub shard lock that also
 * registers that user's sessions and reads their stream's top, so a send racing a connect is delivered exactly once.
 * Durable membership lives in memory too: a session joins its user's durable groups right after it registers, and a
 * membership added meanwhile reaches it through the hub, so it is never missed. Presence events count each user's
 * sessions per group (in groups whose namespace enables them) and report the first join and the last leave.
 */
final class LocalRouter implements Router {

    private final Hub hub;
    private final LocalDelivery local;
    private final InMemoryHistory history;
    private final InMemoryOfflineStore offline;
    private final String nodeId;
    /** Durable groups per "tenant SEP user", and durable members per "tenant SEP group". */
    private final Map<String, Set<String>> groupsOfUser = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> membersOfGroup = new ConcurrentHashMap<>();
    /** Sessions per "tenant SEP group SEP user", for groups with presence events. */
    private final Map<String, Integer> inGroup = new ConcurrentHashMap<>();
    private final java.util.function.Predicate<String> presenceEvents;

    LocalRouter(Hub hub, LocalDelivery local, InMemoryHistory history, InMemoryOfflineStore offline, String nodeId,
            java.util.function.Predicate<String> presenceEvents) {
        this.presenceEvents = presenceEvents;
        this.hub = hub;
        this.local = local;
        this.history = history;
        this.offline = offline;
        this.nodeId = nodeId;
    }

    @Override
    public CompletionStage<UserSent> toUser(String tenant, String user, byte[] message, long acceptedNanos) {
        StreamId stream = StreamId.user(tenant, user);
        return CompletableFuture.completedFuture(hub.withUser(tenant, user, live -> {
            History.Appended appended = history.appendThen(stream, message, a -> { });
            if (live.length == 0) {
                offline.enqueue(tenant, user, appended.frame());
                return new UserSent(appended.position(), true);
            }
            local.offer(stream, appended.position(), appended.frame(), acceptedNanos);
            return new UserSent(appended.position(), false);
        }));
    }

    @Override
    public CompletionStage<StreamPosition> toGroup(String tenant, String group, byte[] message, long acceptedNanos) {
        StreamId stream = StreamId.group(tenant, group);
        History.Appended appended = history.appendThen(stream, message, a -> local.offer(stream, a.position(), a.frame(), acceptedNanos));
        return CompletableFuture.completedFuture(appended.position());
    }

    @Override
    public void broadcast(String tenant, byte[] message, long acceptedNanos) {
        local.broadcast(tenant, message, acceptedNanos);
    }

    @Override
    public CompletionStage<Opened> opened(Session session) {
        StreamId stream = StreamId.user(session.tenant(), session.user());
        Opened opened = hub.register(session, () -> {
            StreamPosition top = history.top(stream).toCompletableFuture().join();
            local.follow(stream, top);
            return new Opened(top, offline.drain(session.tenant(), session.user()));
        });
        Set<String> durable = groupsOfUser.get(key(session.tenant(), session.user()));
        if (durable != null) {
            local.joinDurable(session, List.copyOf(durable)).forEach(group -> joined(session, group));
        }
        return CompletableFuture.completedFuture(opened);
    }

    @Override
    public void closed(Session session) {
        if (hub.unregister(session)) {
            // The hub lets the session keep its group names; only this thread reads them now.
            for (String group : List.copyOf(session.groups())) {
                left(session, group);
            }
        }
        local.closed(session);
    }

    @Override
    public void joined(Session session, String group) {
        track(session.tenant(), group, session.user(), 1);
    }

    @Override
    public void left(Session session, String group) {
        track(session.tenant(), group, session.user(), -1);
    }

    private void track(String tenant, String group, String user, int delta) {
        if (!presenceEvents.test(group)) {
            return;
        }
        boolean[] transition = new boolean[1];
        inGroup.compute(key(key(tenant, group), user), (k, count) -> {
            int now = (count == null ? 0 : count) + delta;
            transition[0] = delta > 0 ? now == 1 : now == 0 && count != null;
            return now > 0 ? now : null;
        });
        if (transition[0]) {
            local.presence(tenant, group, LocalDelivery.presenceFrame(group, user, delta > 0));
        }
    }

    @Override
    public CompletionStage<Void> joinUser(String tenant, String user, String group) {
        add(groupsOfUser, key(tenant, user), group);
        add(membersOfGroup, key(tenant, group), user);
        for (Session s : local.joinUser(tenant, user, group)) {
            joined(s, group);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> leaveUser(String tenant, String user, String group) {
        remove(groupsOfUser, key(tenant, user), group);
        remove(membersOfGroup, key(tenant, group), user);
        for (Session s : local.leaveUser(tenant, user, group)) {
            left(s, group);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Integer> kick(String tenant, String user) {
        return CompletableFuture.completedFuture(local.kick(tenant, user));
    }

    @Override
    public CompletionStage<UserView> user(String tenant, String user) {
        int count = hub.userSessions(tenant, user).length;
        return CompletableFuture.completedFuture(new UserView(user, count > 0, count, count > 0 ? List.of(nodeId) : List.of()));
    }

    @Override
    public CompletionStage<GroupView> group(String tenant, String group) {
        Hub.GroupView view = hub.group(tenant, group);
        return CompletableFuture.completedFuture(new GroupView(group, view.users(), view.sessions()));
    }

    @Override
    public CompletionStage<List<String>> members(String tenant, String group) {
        Set<String> members = membersOfGroup.get(key(tenant, group));
        return CompletableFuture.completedFuture(members == null ? List.of() : List.copyOf(new TreeSet<>(members)));
    }

    @Override
    public CompletionStage<Boolean> toSession(String tenant, String session, java.util.function.Function<String, byte[]> encode,
            long acceptedNanos) {
        return CompletableFuture.completedFuture(local.toSession(tenant, session, encode, acceptedNanos));
    }

    @Override
    public CompletionStage<Boolean> closeSession(String tenant, String session) {
        return CompletableFuture.completedFuture(local.closeSession(tenant, session));
    }

    /** The cursor is the last user of the previous page: users come in name order. */
    @Override
    public CompletionStage<OnlinePage> online(String tenant, String cursor, int limit) {
        NavigableSet<String> users = hub.tenantUsers(tenant);
        NavigableSet<String> rest = cursor == null ? users : users.tailSet(cursor, false);
        List<String> page = new ArrayList<>(Math.min(limit, rest.size()));
        for (String user : rest) {
            if (page.size() == limit) {
                break;
            }
            page.add(user);
        }
        boolean more = page.size() == limit && rest.size() > limit;
        return CompletableFuture.completedFuture(new OnlinePage(page, more ? page.getLast() : null));
    }

    private static String key(String tenant, String name) {
        return tenant + '\u001f' + name;
    }

    private static void add(Map<String, Set<String>> map, String key, String value) {
        map.compute(key, (k, set) -> {
            Set<String> out = set != null ? set : ConcurrentHashMap.newKeySet();
            out.add(value);
            return out;
        });
    }

    /** Removes {@code value}, and the entry once it is empty; both under the map's lock of the key, so no add is lost. */
    private static void remove(Map<String, Set<String>> map, String key, String value) {
        map.computeIfPresent(key, (k, set) -> {
            set.remove(value);
            return set.isEmpty() ? null : set;
        });
    }
}
