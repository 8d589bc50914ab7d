package io.wsgrid.gateway.backend;

/** Where a backend stands; only UP backends get new sessions. */
public enum BackendState {
    /** Healthy: takes new sessions. */
    UP,
    /** Failing health checks or ejected after failures: no new sessions; live sessions stay until the node drops them. */
    DOWN,
    /** Being emptied by an operator: no new sessions, live ones closed with 1012 at the drain rate. */
    DRAINING,
    /** Switched off by an operator: no new sessions, live ones untouched. */
    DISABLED
}
