package io.wsgrid.common.protocol;

/**
 * Where a stream stands: the {@code offset} of a message in its stream (1, 2, 3, ... with no gaps; 0 before the first
 * message) and the stream's {@code epoch}, which changes whenever the stream's history was lost and offsets started
 * again. Two positions compare only when their epochs are equal.
 *
 * @param offset the offset of the last message seen (or the stream's top)
 * @param epoch  the stream's epoch; letters, digits, '-' and '_' only, so it needs no escaping in JSON
 */
public record StreamPosition(long offset, String epoch) {

    public StreamPosition {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0");
        }
        if (epoch == null || !isValidEpoch(epoch)) {
            throw new IllegalArgumentException("epoch must be 1 to 64 letters, digits, '-' or '_'");
        }
    }

    /** Whether {@code epoch} is safe to splice into JSON and keys as it is. */
    public static boolean isValidEpoch(String epoch) {
        if (epoch == null || epoch.isEmpty() || epoch.length() > 64) {
            return false;
        }
        for (int i = 0; i < epoch.length(); i++) {
            char c = epoch.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Whether a message at {@code other} comes right after this position in the same stream. */
    public boolean isFollowedBy(StreamPosition other) {
        return epoch.equals(other.epoch) && other.offset == offset + 1;
    }
}
