package io.wsgrid.node.api;

/** The tenant a REST call acts for, after its API key was checked. Declare it as a handler parameter. */
record Tenant(String name) {
}
