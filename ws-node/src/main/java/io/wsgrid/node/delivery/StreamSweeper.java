package io.wsgrid.node.delivery;

import io.wsgrid.node.history.InMemoryHistory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Forgets idle stream state now and then: the sequencer's, and the standalone node's in-memory history. */
@Component
class StreamSweeper {

    private final Sequencer sequencer;
    private final InMemoryHistory history;

    StreamSweeper(Sequencer sequencer, ObjectProvider<InMemoryHistory> history) {
        this.sequencer = sequencer;
        this.history = history.getIfAvailable();
    }

    @Scheduled(fixedDelayString = "${wsgrid.history.sweep-interval:30s}")
    void sweep() {
        sequencer.sweep();
        if (history != null) {
            history.sweep();
        }
    }
}
