package io.wsgrid.node.session;

import io.netty.channel.embedded.EmbeddedChannel;

/** Sessions on embedded channels, for unit tests of the hub and the outbound writer. */
public final class TestSessions {

    private TestSessions() {
    }

    public static Session create(String tenant, String user) {
        return create(tenant, user, new EmbeddedChannel(), 0);
    }

    /** An open session past its offline drain (not holding deliveries). */
    public static Session create(String tenant, String user, EmbeddedChannel channel, int loopIndex) {
        Session session = new Session(tenant + "/" + user + "/" + System.nanoTime(), tenant, user, channel, loopIndex,
                System.currentTimeMillis(), "127.0.0.1");
        session.holding = false;
        return session;
    }
}
