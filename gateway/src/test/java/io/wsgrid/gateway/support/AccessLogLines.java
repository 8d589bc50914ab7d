package io.wsgrid.gateway.support;

import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Collects the lines of the gateway's access log ({@code wsgrid.gateway.access-log}) in a test JVM. */
public final class AccessLogLines implements AutoCloseable {

    private final Logger logger = (Logger) LoggerFactory.getLogger("wsgrid.gateway.access-log");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public AccessLogLines() {
        appender.start();
        logger.addAppender(appender);
    }

    public List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
