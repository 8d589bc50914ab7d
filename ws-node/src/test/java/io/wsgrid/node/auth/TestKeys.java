package io.wsgrid.node.auth;

import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Signing keys and tokens for tests: an HS256 secret, or a generated RSA or EC key pair with its PEM public key. */
public record TestKeys(JWSAlgorithm algorithm, JWK jwk, String secret) {

    public static TestKeys hs256(String secret) {
        return new TestKeys(JWSAlgorithm.HS256, null, secret);
    }

    public static TestKeys rs256(String kid) {
        try {
            return new TestKeys(JWSAlgorithm.RS256, new RSAKeyGenerator(2048).keyID(kid).generate(), null);
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestKeys es256(String kid) {
        try {
            return new TestKeys(JWSAlgorithm.ES256, new ECKeyGenerator(Curve.P_256).keyID(kid).generate(), null);
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as PEM (SubjectPublicKeyInfo), as {@code wsgrid.auth.tenants.<t>.public-keys} takes it. */
    public String pem() {
        try {
            byte[] der = jwk instanceof RSAKey rsa ? rsa.toPublicKey().getEncoded() : ((ECKey) jwk).toPublicKey().getEncoded();
            return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as one JWK of a JWKS document. */
    public String publicJwk() {
        return jwk.toPublicJWK().toJSONString();
    }

    /** A token for {@code user} expiring at {@code exp}, with the {@code groups} claim when given. */
    public String token(String user, Instant exp, List<String> groups) {
        return token(b -> {
            b.subject(user).expirationTime(Date.from(exp));
            if (groups != null) {
                b.claim("groups", groups);
            }
        });
    }

    /** A token with whatever claims {@code claims} sets. */
    public String token(Consumer<JWTClaimsSet.Builder> claims) {
        try {
            JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
            claims.accept(builder);
            JWSHeader.Builder header = new JWSHeader.Builder(algorithm);
            JWSSigner signer;
            if (secret != null) {
                signer = new MACSigner(secret);
            }
            else {
                header.keyID(jwk.getKeyID());
                signer = jwk instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) jwk);
            }
            SignedJWT jwt = new SignedJWT(header.build(), builder.build());
            jwt.sign(signer);
            return jwt.serialize();
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
