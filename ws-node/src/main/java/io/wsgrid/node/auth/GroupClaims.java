package io.wsgrid.node.auth;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The groups a token grants, from its {@code groups} claim: exact names ({@code "room:42"}) and prefixes ending in
 * {@code *} ({@code "news:*"} matches every group starting with {@code news:}; a lone {@code "*"} matches every
 * group). Immutable; a session holds one and swaps it on refresh.
 */
public record GroupClaims(Set<String> names, List<String> prefixes) {

    /** Grants nothing (no claim, or auth off, where {@link GroupPolicy} does not ask). */
    public static final GroupClaims NONE = new GroupClaims(Set.of(), List.of());

    public GroupClaims {
        names = Set.copyOf(names);
        prefixes = List.copyOf(prefixes);
    }

    /** Reads the claim's entries; a trailing {@code *} makes an entry a prefix. */
    public static GroupClaims of(List<String> patterns) {
        if (patterns == null || patterns.isEmpty()) {
            return NONE;
        }
        Set<String> names = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        for (String pattern : patterns) {
            if (pattern == null || pattern.isEmpty()) {
                continue;
            }
            if (pattern.endsWith("*")) {
                prefixes.add(pattern.substring(0, pattern.length() - 1));
            }
            else {
                names.add(pattern);
            }
        }
        return new GroupClaims(names, prefixes);
    }

    public boolean matches(String group) {
        if (names.contains(group)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (group.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
