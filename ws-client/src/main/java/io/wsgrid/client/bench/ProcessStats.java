package io.wsgrid.client.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and memory of another process on this machine, read from {@code /proc} (Linux). Used to charge a server's
 * own CPU to the work the load generator made it do, independent of what else runs on the machine.
 */
public final class ProcessStats {

    /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on every mainstream Linux. */
    private static final long TICKS_PER_SECOND = 100;

    private final long pid;
    private final java.util.List<Long> others;

    public ProcessStats(long pid) {
        this(java.util.List.of(pid));
    }

    /**
     * Several processes counted as one server (nginx's master and workers): CPU and RSS are summed, the heap is the
     * first one's.
     */
    public ProcessStats(java.util.List<Long> pids) {
        this.pid = pids.getFirst();
        this.others = pids.subList(1, pids.size());
    }

    public long pid() {
        return pid;
    }

    /** User plus system CPU time of the whole process (all threads), in nanoseconds. */
    public long cpuNanos() throws IOException {
        return userNanos() + systemNanos();
    }

    /** CPU time the process spent in user space, in nanoseconds. */
    public long userNanos() throws IOException {
        return statTicks(11) * (TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND);
    }

    /** CPU time the kernel spent on the process's behalf (syscalls, and on loopback much of the peer's TCP work). */
    public long systemNanos() throws IOException {
        return statTicks(12) * (TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND);
    }

    private long statTicks(int field) throws IOException {
        long sum = statTicks(pid, field);
        for (long other : others) {
            sum += statTicks(other, field);
        }
        return sum;
    }

    private static long statTicks(long pid, int field) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name, which is in parentheses and may contain spaces.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[field]);
    }

    /** Resident set size in bytes, summed over the processes. */
    public long rssBytes() throws IOException {
        long sum = rssBytes(pid);
        for (long other : others) {
            sum += rssBytes(other);
        }
        return sum;
    }

    private static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    /**
     * Runs a full GC in the JVM with this pid and returns its used heap afterwards, in bytes, through {@code jcmd}
     * (from the JDK running this tool). Returns -1 when the process is not a JVM or jcmd is missing.
     */
    public long heapAfterGc() {
        try {
            if (!isJvm()) {
                // jcmd asks the target to attach with SIGQUIT, which stops nginx (graceful shutdown).
                return -1;
            }
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            run(List.of(jcmd, Long.toString(pid), "GC.run"));
            for (String line : run(List.of(jcmd, Long.toString(pid), "GC.heap_info")).split("\n")) {
                int used = line.indexOf(" used ");
                if (line.contains("total") && used >= 0) {
                    String number = line.substring(used + 6).replaceAll("^([0-9]+)K.*$", "$1").trim();
                    return Long.parseLong(number) * 1024;
                }
            }
        }
        catch (IOException | NumberFormatException e) {
            return -1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    private boolean isJvm() throws IOException {
        try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
            return lines.anyMatch(line -> line.endsWith("/libjvm.so"));
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
