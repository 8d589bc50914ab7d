package io.wsgrid.gateway.admin;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.HttpStatusServerEntryPoint;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * The admin port: health and Prometheus are open (probes and scrapers), everything else needs the admin. The API
 * takes HTTP Basic (answering 401, not a login redirect); the UI uses form login with CSRF on its actions.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    MapReactiveUserDetailsService admins(AdminProperties admin) {
        String password = admin.password();
        if (password.isEmpty()) {
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            password = HexFormat.of().formatHex(random);
            log.warn("wsgrid.admin.password is not set; generated admin password for this run: {}", password);
        }
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new MapReactiveUserDetailsService(User.withUsername(admin.username()).password(encoder.encode(password)).roles("ADMIN").build());
    }

    @Bean
    SecurityWebFilterChain adminSecurity(ServerHttpSecurity http) {
        return http
                .authorizeExchange(ex -> ex
                        .pathMatchers("/actuator/health/**", "/actuator/prometheus", "/login", "/css/**").permitAll()
                        .anyExchange().hasRole("ADMIN"))
                .httpBasic(basic -> basic.authenticationEntryPoint(new HttpStatusServerEntryPoint(HttpStatus.UNAUTHORIZED)))
                .formLogin(form -> form.loginPage("/login"))
                .exceptionHandling(ex -> ex.authenticationEntryPoint((exchange, e) -> {
                    boolean api = exchange.getRequest().getPath().value().startsWith("/api/");
                    return api ? new HttpStatusServerEntryPoint(HttpStatus.UNAUTHORIZED).commence(exchange, e)
                            : new org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint("/login").commence(exchange, e);
                }))
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(ServerWebExchangeMatchers.pathMatchers(org.springframework.http.HttpMethod.POST, "/ui/**")))
                .build();
    }
}
