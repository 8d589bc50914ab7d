package io.wsgrid.node.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad authentication and group settings stop startup with a message naming the property. */
class AuthPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({AuthProperties.class, GroupPermissionsProperties.class})
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class)
            .withPropertyValues("wsgrid.auth.mode=jwt");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "wsgrid.auth.tenants.acme.api-key=k                                  | wsgrid.auth.tenants.acme has no key",
            "wsgrid.auth.tenants.acme.jwt-secret=short;wsgrid.auth.tenants.acme.api-key=k | wsgrid.auth.tenants.acme.jwt-secret must be at least 32 bytes",
            "wsgrid.auth.tenants.acme.jwt-secrets=0123456789abcdef0123456789abcdef,short;wsgrid.auth.tenants.acme.api-key=k | wsgrid.auth.tenants.acme.jwt-secrets[1] must be at least 32 bytes",
            "wsgrid.auth.tenants.acme.public-keys=not a key;wsgrid.auth.tenants.acme.api-key=k | wsgrid.auth.tenants.acme.public-keys[0] is not a PEM public key",
            "wsgrid.auth.tenants.acme.public-keys=-----BEGIN PUBLIC KEY-----AAAA-----END PUBLIC KEY-----;wsgrid.auth.tenants.acme.api-key=k | wsgrid.auth.tenants.acme.public-keys[0] is not an RSA or EC public key",
            "wsgrid.auth.tenants.acme.jwks-url=ftp://idp/keys;wsgrid.auth.tenants.acme.api-key=k | wsgrid.auth.tenants.acme.jwks-url must be an absolute http(s) URL",
            "wsgrid.auth.tenants.acme.jwt-secret=0123456789abcdef0123456789abcdef | wsgrid.auth.tenants.acme.api-key must be set",
            "wsgrid.auth.clock-skew=-1s                                          | wsgrid.auth.clock-skew must be between 0s and 5m",
            "wsgrid.auth.jwks.min-refetch-interval=10m                           | wsgrid.auth.jwks.min-refetch-interval must be between 0s and cache-ttl",
            "wsgrid.groups.namespaces.chat.join=everyone                         | wsgrid.groups.namespaces.chat.join"})
    void badSettingsFailStartupNamingTheProperty(String properties, String expected) {
        runner.withPropertyValues(properties.trim().split(";")).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(expected.trim());
        });
    }

    @Test
    void everyKindOfKeyIsAccepted() {
        runner.withPropertyValues(
                "wsgrid.auth.tenants.a.jwt-secret=0123456789abcdef0123456789abcdef", "wsgrid.auth.tenants.a.api-key=k",
                "wsgrid.auth.tenants.b.public-keys[0]=" + TestKeys.rs256("r").pem(),
                "wsgrid.auth.tenants.b.public-keys[1]=" + TestKeys.es256("e").pem(), "wsgrid.auth.tenants.b.api-key=k",
                "wsgrid.auth.tenants.c.jwks-url=https://idp.example/.well-known/jwks.json", "wsgrid.auth.tenants.c.api-key=k",
                "wsgrid.groups.namespaces.chat.join=any", "wsgrid.groups.default-namespace.publish=any").run(context -> {
            assertThat(context).hasNotFailed();
            GroupPermissionsProperties groups = context.getBean(GroupPermissionsProperties.class);
            assertThat(groups.namespaceOf("chat:x").join()).isEqualTo(GroupPermissionsProperties.Access.ANY);
            assertThat(groups.namespaceOf("plain").publish()).isEqualTo(GroupPermissionsProperties.Access.ANY);
            assertThat(context.getBean(AuthProperties.class).tenants().get("b").publicKeys()).hasSize(2);
        });
    }

    @Test
    void modeNoneNeedsNoKeys() {
        new ApplicationContextRunner().withUserConfiguration(Config.class)
                .withPropertyValues("wsgrid.auth.mode=none", "wsgrid.auth.tenants.acme.api-key=k")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
