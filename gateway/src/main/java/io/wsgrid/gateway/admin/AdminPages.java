package io.wsgrid.gateway.admin;

import java.security.Principal;
import java.util.List;
import java.util.TreeSet;

import io.wsgrid.gateway.balancing.Strategies;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.security.web.reactive.result.view.CsrfRequestDataValueProcessor;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.server.ServerWebExchange;

/**
 * The admin UI: Thymeleaf renders each page's frame (navigation, forms, the CSRF token); {@code /js/admin.js} fills
 * and refreshes it from the admin API every two seconds, and sends the actions through the same API.
 */
@Controller
class AdminPages {

    private final List<String> tenants;

    AdminPages(AdminProperties properties) {
        TreeSet<String> names = new TreeSet<>(properties.apiKeys().keySet());
        names.add("default");
        this.tenants = List.copyOf(names);
    }

    /** Resolves the session's CSRF token before rendering, for the page's meta tag and Thymeleaf's form fields. */
    @ModelAttribute("_csrf")
    Mono<CsrfToken> csrf(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        return token == null ? Mono.empty()
                : token.doOnNext(t -> exchange.getAttributes().put(CsrfRequestDataValueProcessor.DEFAULT_CSRF_ATTR_NAME, t));
    }

    @ModelAttribute("admin")
    Mono<String> admin(ServerWebExchange exchange) {
        return exchange.getPrincipal().map(Principal::getName);
    }

    @GetMapping("/login")
    String login(ServerWebExchange exchange, Model model) {
        // Spring Security redirects here with a bare "?error" or "?logout".
        model.addAttribute("failed", exchange.getRequest().getQueryParams().containsKey("error"));
        model.addAttribute("loggedOut", exchange.getRequest().getQueryParams().containsKey("logout"));
        return "login";
    }

    @GetMapping("/")
    String overview(Model model) {
        return page(model, "overview");
    }

    @GetMapping("/backends")
    String backends(Model model) {
        model.addAttribute("strategies", Strategies.NAMES);
        return page(model, "backends");
    }

    @GetMapping("/clients")
    String clients(Model model) {
        model.addAttribute("tenants", tenants);
        return page(model, "clients");
    }

    @GetMapping("/clients/{id}")
    String client(@PathVariable String id, Model model) {
        model.addAttribute("clientId", id);
        return page(model, "client");
    }

    @GetMapping("/nodes")
    String nodes(Model model) {
        return page(model, "nodes");
    }

    @GetMapping("/send")
    String send(Model model) {
        model.addAttribute("tenants", tenants);
        return page(model, "send");
    }

    private static String page(Model model, String name) {
        model.addAttribute("page", name);
        return name;
    }
}
