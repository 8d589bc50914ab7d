package io.wsgrid.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.HttpStatusServerEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The admin port: health and Prometheus are open (probes and scrapers), everything else needs the admin. The API
 * takes HTTP Basic (answering 401, not a login redirect); the UI uses form login, and its actions (calls to the same
 * API from the browser session) need the session's CSRF token.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final Set<HttpMethod> SAFE_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);

    @Bean
    MapReactiveUserDetailsService admins(AdminProperties admin) {
        String password = admin.password();
        if (password.isEmpty()) {
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            password = HexFormat.of().formatHex(random);
            log.warn("wsgrid.admin.password is not set; generated admin password for this run: {}", password);
        }
        return new MapReactiveUserDetailsService(User.withUsername(admin.username()).password(ConfiguredSecretEncoder.INSTANCE.encode(password))
                .roles("ADMIN").build());
    }

    /**
     * The admin password comes from configuration in plain text, so a slow hash (bcrypt's ~100 ms per check) would
     * protect nothing and cost every scripted HTTP Basic call, and every wrong guess, that much CPU. A SHA-256 digest
     * compared in constant time keeps the password out of memory and its checks free of timing leaks.
     */
    @Bean
    PasswordEncoder adminPasswordEncoder() {
        return ConfiguredSecretEncoder.INSTANCE;
    }

    enum ConfiguredSecretEncoder implements PasswordEncoder {
        INSTANCE;

        @Override
        public String encode(CharSequence raw) {
            return HexFormat.of().formatHex(digest(raw));
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            return encoded != null && MessageDigest.isEqual(digest(raw), HexFormat.of().parseHex(encoded));
        }

        private static byte[] digest(CharSequence raw) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(raw.toString().getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }

    @Bean
    SecurityWebFilterChain adminSecurity(ServerHttpSecurity http) {
        ServerAuthenticationEntryPoint unauthorized = new HttpStatusServerEntryPoint(HttpStatus.UNAUTHORIZED);
        ServerAuthenticationEntryPoint toLogin = new RedirectServerAuthenticationEntryPoint("/login");
        return http
                .authorizeExchange(ex -> ex
                        .pathMatchers("/actuator/health/**", "/actuator/prometheus", "/login", "/css/**", "/js/**", "/webjars/**").permitAll()
                        .anyExchange().hasRole("ADMIN"))
                // No WWW-Authenticate challenge: browsers then never prompt for, nor cache, Basic credentials, which
                // is what lets Basic-authenticated calls skip CSRF (see browserAction).
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized))
                .formLogin(form -> form.loginPage("/login"))
                .logout(logout -> logout.logoutUrl("/logout"))
                .exceptionHandling(ex -> ex.authenticationEntryPoint((exchange, e) ->
                        (exchange.getRequest().getPath().value().startsWith("/api/") ? unauthorized : toLogin).commence(exchange, e)))
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(SecurityConfiguration::browserAction))
                .build();
    }

    /**
     * Requests that need a CSRF token: every state-changing request of the browser session (the UI's calls to the
     * admin API, login, logout). Scripts authenticating each call with HTTP Basic carry no ambient credentials, so
     * they need none.
     */
    private static Mono<ServerWebExchangeMatcher.MatchResult> browserAction(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        boolean safe = SAFE_METHODS.contains(request.getMethod());
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        return safe || basic ? ServerWebExchangeMatcher.MatchResult.notMatch() : ServerWebExchangeMatcher.MatchResult.match();
    }
}
