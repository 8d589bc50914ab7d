package io.wsgrid.gateway.admin;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class AdminPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AdminProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class)).withUserConfiguration(Config.class);

    @Test
    void theDefaultsKeepTenMinutesAtTwoSecondsAndHideErrorsAfterAMinute() {
        runner.run(context -> {
            AdminProperties properties = context.getBean(AdminProperties.class);
            assertThat(properties.historySamples()).isEqualTo(300);
            assertThat(properties.errorStaleAfter()).hasSeconds(60);
        });
    }

    @Test
    void aHistoryShorterThanOnePollFailsStartupSayingWhy() {
        runner.withPropertyValues("wsgrid.admin.history=1s", "wsgrid.admin.poll-interval=2s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("wsgrid.admin.history at least one poll interval");
        });
    }

    @Test
    void aHistoryOfMoreThanAHundredThousandSamplesFailsStartup() {
        runner.withPropertyValues("wsgrid.admin.history=30d", "wsgrid.admin.poll-interval=1s").run(context -> assertThat(context).hasFailed());
    }
}
