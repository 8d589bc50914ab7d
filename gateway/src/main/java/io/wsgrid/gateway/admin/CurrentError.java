package io.wsgrid.gateway.admin;

import io.wsgrid.gateway.backend.BackendState;

/** When a backend's last error is still worth showing an operator. */
final class CurrentError {

    private CurrentError() {
    }

    /**
     * An error is current while the backend is DOWN (the health checks keep failing), and for {@code staleAfterMillis}
     * after it happened otherwise: long enough to see why a backend that is UP again had been ejected, short enough
     * that an UP backend does not keep showing an old failure.
     */
    static boolean isCurrent(BackendState state, String error, long errorMillis, long nowMillis, long staleAfterMillis) {
        if (error == null || error.isEmpty()) {
            return false;
        }
        return state == BackendState.DOWN || nowMillis - errorMillis < staleAfterMillis;
    }
}
