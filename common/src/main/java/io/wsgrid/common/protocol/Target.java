package io.wsgrid.common.protocol;

/** Whom a message is addressed to. */
public sealed interface Target {

    /** Every session of one user. */
    record User(String user) implements Target {
    }

    /** Every session that joined one group. */
    record Group(String group) implements Target {
    }

    /** Every session of the tenant. */
    enum Broadcast implements Target {
        INSTANCE
    }
}
