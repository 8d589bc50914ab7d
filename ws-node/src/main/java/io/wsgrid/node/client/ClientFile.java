package io.wsgrid.node.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.http.MediaType;

/**
 * One file of the JavaScript client, read once from the jar (the build copies {@code ws-client/js} there). Immutable.
 *
 * @param bytes the content, or {@code null} when the jar was built without it (e.g. an IDE run that skipped Maven's
 *              resources phase)
 * @param etag  a strong ETag derived from the content, so browsers revalidate cheaply after a node upgrade
 */
record ClientFile(String name, MediaType type, byte[] bytes, String etag) {

    static final String LOCATION = "wsgrid-client/";

    static ClientFile load(String name, MediaType type) {
        try (InputStream in = ClientFile.class.getClassLoader().getResourceAsStream(LOCATION + name)) {
            if (in == null) {
                return new ClientFile(name, type, null, null);
            }
            byte[] bytes = in.readAllBytes();
            return new ClientFile(name, type, bytes, "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 16) + "\"");
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LOCATION + name + " from the classpath", e);
        }
    }

    boolean present() {
        return bytes != null;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
