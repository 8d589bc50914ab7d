package io.wsgrid.common.protocol;

/**
 * Rules for user ids, group names and tenant names: 1 to 128 characters, no control characters. They end up in Redis
 * keys and log lines, so the rule is the same everywhere.
 */
public final class Names {

    public static final int MAX_LENGTH = 128;

    private Names() {
    }

    /** Whether {@code name} may name a user, group or tenant. */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
