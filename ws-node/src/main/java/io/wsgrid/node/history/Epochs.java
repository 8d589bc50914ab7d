package io.wsgrid.node.history;

import java.util.concurrent.ThreadLocalRandom;

/** New stream epochs: short random strings of letters and digits, so they splice into JSON and keys as they are. */
public final class Epochs {

    private Epochs() {
    }

    /** A fresh epoch; 64 random bits make two streams' epochs (or one stream's successive epochs) collide never in practice. */
    public static String next() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }
}
