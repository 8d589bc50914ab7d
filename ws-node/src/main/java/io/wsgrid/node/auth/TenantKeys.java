package io.wsgrid.node.auth;

import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies the session tokens of one tenant with Nimbus: the signature against any of the tenant's keys (HS256
 * secrets, RS256/ES256 PEM keys, keys of its JWKS URL picked by {@code kid}), then {@code exp} (required), {@code nbf},
 * {@code sub} (required) and the tenant's {@code aud}/{@code iss}, allowing the configured clock skew. Thread-safe.
 * Only a tenant with a JWKS URL may block (a key set fetch, bounded by {@code wsgrid.auth.jwks.timeout}).
 */
final class TenantKeys {

    /** A verified token. */
    record Token(String user, GroupClaims groups, Instant expires) {
    }

    private static final int MAX_JWKS_BYTES = 512 * 1024;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final boolean remote;
    /** When a JWKS fetch failure was last logged: one line a minute per tenant is enough for an operator. */
    private final AtomicLong lastWarnMillis = new AtomicLong(Long.MIN_VALUE);

    TenantKeys(AuthProperties.Tenant tenant, AuthProperties properties, Clock clock) {
        List<Key> secrets = new ArrayList<>();
        for (String secret : tenant.secrets()) {
            secrets.add(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        }
        List<Key> rsa = new ArrayList<>();
        List<Key> ec = new ArrayList<>();
        for (String pem : tenant.publicKeys()) {
            JWK jwk = PemKeys.parse(pem);
            try {
                if (jwk instanceof RSAKey r) {
                    rsa.add(r.toRSAPublicKey());
                }
                else if (jwk instanceof ECKey e) {
                    ec.add(e.toECPublicKey());
                }
            }
            catch (JOSEException e) {
                throw new IllegalArgumentException("public key: " + e.getMessage(), e);
            }
        }
        JWSKeySelector<SecurityContext> jwks = tenant.jwksUrl() == null ? null : jwksSelector(tenant, properties.jwks());
        this.remote = jwks != null;
        // Local keys are tried by algorithm alone: issuers often put a kid in tokens signed with a configured key.
        processor.setJWSKeySelector((header, context) -> {
            JWSAlgorithm alg = header.getAlgorithm();
            List<Key> keys = new ArrayList<>();
            if (JWSAlgorithm.HS256.equals(alg)) {
                keys.addAll(secrets);
            }
            else if (JWSAlgorithm.RS256.equals(alg)) {
                keys.addAll(rsa);
            }
            else if (JWSAlgorithm.ES256.equals(alg)) {
                keys.addAll(ec);
            }
            if (jwks != null) {
                keys.addAll(jwks.selectJWSKeys(header, context));
            }
            return keys;
        });
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                tenant.audience() == null ? null : Set.of(tenant.audience()),
                tenant.issuer() == null ? new JWTClaimsSet.Builder().build() : new JWTClaimsSet.Builder().issuer(tenant.issuer()).build(),
                Set.of("exp", "sub"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) properties.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    private static JWSKeySelector<SecurityContext> jwksSelector(AuthProperties.Tenant tenant, AuthProperties.Jwks settings) {
        int timeout = (int) settings.timeout().toMillis();
        JWKSourceBuilder<SecurityContext> builder;
        try {
            builder = JWKSourceBuilder.create(tenant.jwksUrl().toURL(), new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES));
        }
        catch (MalformedURLException e) {
            throw new IllegalArgumentException("jwks-url: " + e.getMessage(), e);
        }
        Duration minInterval = settings.minRefetchInterval();
        builder.cache(settings.cacheTtl().toMillis(), timeout);
        // An unknown kid makes Nimbus refetch at once (rotation); the rate limit bounds how often that can happen.
        builder = minInterval.isZero() ? builder.rateLimited(false) : builder.rateLimited(minInterval.toMillis());
        JWKSource<SecurityContext> source = builder.build();
        return new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), source);
    }

    /** Whether a key fetch failure at {@code nowMillis} should be logged (at most once a minute). */
    boolean shouldWarn(long nowMillis) {
        long last = lastWarnMillis.get();
        return (last == Long.MIN_VALUE || nowMillis - last >= 60_000) && lastWarnMillis.compareAndSet(last, nowMillis);
    }

    /** Whether verifying may wait for the network (a JWKS fetch). */
    boolean remote() {
        return remote;
    }

    /**
     * @throws BadJWTException   claims refused (expired, not yet valid, wrong audience or issuer, bad groups claim)
     * @throws BadJOSEException  signature refused or no key for it
     * @throws JOSEException     the key set could not be fetched ({@code KeySourceException}) or verification failed
     * @throws ParseException    not a JWT
     */
    Token verify(String token) throws ParseException, BadJOSEException, JOSEException {
        JWTClaimsSet claims = processor.process(token, null);
        Object groups = claims.getClaim("groups");
        List<String> patterns;
        if (groups == null) {
            patterns = List.of();
        }
        else {
            try {
                patterns = claims.getStringListClaim("groups");
            }
            catch (ParseException e) {
                throw new BadJWTException("groups claim must be an array of strings");
            }
        }
        return new Token(claims.getSubject(), GroupClaims.of(patterns), claims.getExpirationTime().toInstant());
    }
}
