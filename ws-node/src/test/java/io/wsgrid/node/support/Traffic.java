package io.wsgrid.node.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Sends a message to one user through a node's REST API every 20 ms until closed, to keep traffic flowing through a fault. */
public final class Traffic implements AutoCloseable {

    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public Traffic(Rest rest, String user) {
        thread = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                try {
                    Rest.Response answer = rest.post("/api/v1/users/" + user + "/messages", "{\"data\":" + sent.incrementAndGet() + "}");
                    if (answer.status() == 202) {
                        accepted.incrementAndGet();
                    }
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                catch (InterruptedException e) {
                    return;
                }
                catch (RuntimeException e) {
                    // the node may fail calls during the fault; keep going
                }
            }
        });
    }

    /** Sends attempted so far. */
    public int sent() {
        return sent.get();
    }

    /** Sends the node answered with 202. */
    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        thread.join(5000);
    }
}
