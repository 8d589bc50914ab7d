package io.wsgrid.gateway.replicas;

import java.util.Map;

/**
 * One gateway replica as its last heartbeat described it.
 *
 * @param id            the replica's name ({@code wsgrid.gateway.replica.id}).
 * @param adminUrl      its admin port, for operators who want to look at that replica itself.
 * @param connections   WebSocket sessions it relays.
 * @param backends      its sessions per backend id.
 * @param strategy      the balancing strategy it uses.
 * @param updatedMillis when it sent the heartbeat (epoch ms, its clock).
 */
public record ReplicaView(String id, String adminUrl, int connections, Map<String, Integer> backends, String strategy,
        long updatedMillis) {
}
