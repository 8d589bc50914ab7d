package io.wsgrid.node.api;

import io.wsgrid.common.protocol.Names;
import io.wsgrid.node.auth.Authenticator;
import reactor.core.publisher.Mono;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
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
        try {
            return Mono.just(resolve(exchange.getRequest().getHeaders()));
        }
        catch (ResponseStatusException e) {
            return Mono.error(e);
        }
    }

    /** The call's tenant; throws 400 for a bad {@code X-Tenant} and 401 for a missing or wrong key. */
    Tenant resolve(HttpHeaders headers) {
        return resolve(headers.getFirst("X-Tenant"), headers.getFirst("X-Api-Key"));
    }

    /** The same from the two header values (null when absent). */
    Tenant resolve(String tenant, String apiKey) {
        if (tenant == null || tenant.isEmpty()) {
            tenant = Authenticator.DEFAULT_TENANT;
        }
        if (!Names.isValid(tenant)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "X-Tenant must be 1 to 128 characters without control characters");
        }
        if (!authenticator.apiKeyMatches(tenant, apiKey)) {
            throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "missing or wrong X-Api-Key for tenant '" + tenant + "'");
        }
        return new Tenant(tenant);
    }
}
