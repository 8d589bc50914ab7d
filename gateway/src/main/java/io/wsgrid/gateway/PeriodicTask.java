package io.wsgrid.gateway;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Work the gateway repeats while it runs (health checks, node polling, DNS discovery): {@link #runOnce} at start and
 * then each {@code interval} after the previous run ended, on a daemon thread of its own, so a slow DNS lookup never
 * delays a health check. A run that throws is logged and the next one still happens (a bare
 * {@code scheduleWithFixedDelay} would silently stop).
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String threadName;
    private final Duration interval;
    private volatile ScheduledExecutorService timer;

    protected PeriodicTask(String threadName, Duration interval) {
        this.threadName = threadName;
        this.interval = interval;
    }

    /** One round of the work. */
    protected abstract void runOnce();

    /** Whether the task runs at all in this configuration. */
    protected boolean enabled() {
        return true;
    }

    @Override
    public void start() {
        if (!enabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(threadName).daemon().factory());
        timer.scheduleWithFixedDelay(this::runSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code work} on this task's thread soon, so it never overlaps a run; dropped when not running. */
    protected void runSoon(Runnable work) {
        ScheduledExecutorService t = timer;
        if (t != null) {
            try {
                t.execute(() -> runSafely(work));
            }
            catch (java.util.concurrent.RejectedExecutionException e) {
                // Stopping: nothing more to do.
            }
        }
    }

    private void runSafely() {
        runSafely(this::runOnce);
    }

    private void runSafely(Runnable work) {
        try {
            work.run();
        }
        catch (RuntimeException e) {
            log.warn("{} failed; next run in {}", threadName, interval, e);
        }
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
