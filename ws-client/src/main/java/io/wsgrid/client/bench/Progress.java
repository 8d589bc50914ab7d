package io.wsgrid.client.bench;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr, drawn only when a person is watching (a console is attached). */
final class Progress {

    private final PrintStream err = System.err;
    private final boolean enabled;
    private long lastDraw;

    Progress(boolean enabled) {
        this.enabled = enabled && System.console() != null;
    }

    void update(String label, long done, long total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && done < total) {
            return;
        }
        lastDraw = now;
        int width = 30;
        double fraction = total <= 0 ? 1 : Math.min(1, done / (double) total);
        int filled = (int) (fraction * width);
        err.print(String.format(Locale.ROOT, "\r%-12s [%s%s] %5.1f%% %,d/%,d ", label, "#".repeat(filled),
                " ".repeat(width - filled), fraction * 100, done, total));
        err.flush();
    }

    void done() {
        if (enabled) {
            err.print("\r" + " ".repeat(80) + "\r");
            err.flush();
        }
    }
}
