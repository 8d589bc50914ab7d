package io.wsgrid.gateway.replicas;

class MemorySharedStateTests extends SharedStateContract {

    private final MemorySharedState state = new MemorySharedState();

    @Override
    SharedState first() {
        return state;
    }

    @Override
    SharedState second() {
        return state;
    }
}
