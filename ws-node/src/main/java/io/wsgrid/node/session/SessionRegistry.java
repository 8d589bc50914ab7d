package io.wsgrid.node.session;

/** Where this node's open sessions are registered (the hub); the session package reads it, never the other way round. */
public interface SessionRegistry {

    /** Snapshots of every open session, one array per shard. */
    Session[][] allSessions();
}
