package io.wsgrid.gateway.balancing;

import java.util.List;

import io.wsgrid.gateway.backend.Backend;

/** Chooses a backend for a new session among the ones that may take it (never empty). */
public interface Strategy {

    /** What a pick may look at. {@code userKey} is the user id from {@code user_id} or the JWT {@code sub}, or null. */
    record Request(String clientIp, String userKey) {
    }

    String name();

    Backend pick(List<Backend> candidates, Request request);
}
