package io.wsgrid.node.auth;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * Reads PEM public keys with the JDK alone (Nimbus' own PEM reader needs BouncyCastle): a {@code PUBLIC KEY}
 * (SubjectPublicKeyInfo) block or a {@code CERTIFICATE}. Only keys that can verify RS256 (RSA, 2048 bits or more) or
 * ES256 (EC P-256) are accepted, so a wrong key fails at startup rather than on every token.
 */
final class PemKeys {

    private PemKeys() {
    }

    /** @throws IllegalArgumentException saying what is wrong, to be prefixed with the property name */
    static JWK parse(String pem) {
        String text = pem == null ? "" : pem.strip();
        if (text.startsWith("-----BEGIN CERTIFICATE-----")) {
            try {
                return check(JWK.parseFromPEMEncodedX509Cert(text));
            }
            catch (JOSEException | RuntimeException e) {
                throw new IllegalArgumentException("is not a readable PEM certificate: " + e.getMessage(), e);
            }
        }
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("is not a PEM public key: expected a -----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE----- block");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a PEM public key: bad base64", e);
        }
        PublicKey key = null;
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                break;
            }
            catch (java.security.GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        return switch (key) {
            case RSAPublicKey rsa -> check(new RSAKey.Builder(rsa).build());
            case ECPublicKey ec -> {
                Curve curve = Curve.forECParameterSpec(ec.getParams());
                if (curve == null) {
                    throw new IllegalArgumentException("is an EC key on an unknown curve; ES256 needs P-256");
                }
                yield check(new ECKey.Builder(curve, ec).build());
            }
            case null, default -> throw new IllegalArgumentException("is not an RSA or EC public key");
        };
    }

    private static JWK check(JWK jwk) {
        if (jwk instanceof RSAKey rsa && rsa.size() < 2048) {
            throw new IllegalArgumentException("is a " + rsa.size() + "-bit RSA key; RS256 needs at least 2048 bits");
        }
        if (jwk instanceof ECKey ec && !Curve.P_256.equals(ec.getCurve())) {
            throw new IllegalArgumentException("is an EC key on " + ec.getCurve() + "; ES256 needs P-256");
        }
        if (!(jwk instanceof RSAKey) && !(jwk instanceof ECKey)) {
            throw new IllegalArgumentException("is not an RSA or EC public key");
        }
        return jwk;
    }
}
