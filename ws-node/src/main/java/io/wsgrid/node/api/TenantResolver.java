package io.wsgrid.node.api;

import io.wsgrid.common.protocol.Names;
import io.wsgrid.node.auth.Authenticator;
import reactor.core.publisher.Mono;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Resolves {@link Tenant} parameters from {@code X-Tenant} (default {@code default}) and refuses the call with 401
 * unless {@code X-Api-Key} is that tenant's key (when authentication is on).
 */
@Component
class TenantResolver implements HandlerMethodArgumentResolver {

    private final Authenticator authenticator;

    TenantResolver(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Tenant.class;
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext, ServerWebExchange exchange) {
        String tenant = exchange.getRequest().getHeaders().getFirst("X-Tenant");
        if (tenant == null || tenant.isEmpty()) {
            tenant = Authenticator.DEFAULT_TENANT;
        }
        if (!Names.isValid(tenant)) {
            return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "X-Tenant must be 1 to 128 characters without control characters"));
        }
        if (!authenticator.apiKeyMatches(tenant, exchange.getRequest().getHeaders().getFirst("X-Api-Key"))) {
            return Mono.error(new ResponseStatusException(HttpStatus.UNAUTHORIZED, "missing or wrong X-Api-Key for tenant '" + tenant + "'"));
        }
        return Mono.just(new Tenant(tenant));
    }
}
