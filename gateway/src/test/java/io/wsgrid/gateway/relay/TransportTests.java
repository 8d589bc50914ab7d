package io.wsgrid.gateway.relay;

import java.util.Arrays;

import io.netty.channel.socket.nio.NioSocketChannel;
import io.wsgrid.gateway.GatewayProperties.TransportMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which socket I/O the data plane runs on, and that a backend connection matches its client's event loop. */
class TransportTests {

    @Test
    void autoTakesTheFirstAvailableOfIoUringEpollNio() {
        Transport expected = Arrays.stream(Transport.values()).filter(Transport::available).findFirst().orElseThrow();
        assertThat(Transport.of(TransportMode.AUTO)).isEqualTo(expected);
        assertThat(Transport.of(TransportMode.NIO)).isEqualTo(Transport.NIO);
    }

    @Test
    void aNamedTransportThatIsNotAvailableFailsStartupWithTheWayOut() {
        for (Transport t : Transport.values()) {
            TransportMode mode = TransportMode.valueOf(t.name());
            if (t.available()) {
                assertThat(Transport.of(mode)).isEqualTo(t);
            }
            else {
                assertThatThrownBy(() -> Transport.of(mode)).hasMessageContaining("wsgrid.gateway.transport=" + t)
                        .hasMessageContaining("use auto");
            }
        }
    }

    @Test
    void aBackendConnectionUsesItsClientsTransport() {
        NioSocketChannel client = new NioSocketChannel();
        try {
            assertThat(Transport.socketChannelFor(client)).isEqualTo(NioSocketChannel.class);
        }
        finally {
            client.unsafe().closeForcibly();
        }
    }
}
