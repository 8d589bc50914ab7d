// The admin UI's behaviour: every page is refreshed from the admin API (the same calls scripts make) every two
// seconds, and every action is a call to that API with the session's CSRF token. No framework, no build step.
'use strict';
(() => {
    const REFRESH_MS = 2000;
    const meta = name => document.querySelector(`meta[name="${name}"]`)?.content;
    const csrf = {header: meta('csrf-header'), token: meta('csrf-token')};

    /** Calls the admin API; resolves to the parsed JSON body, rejects with the problem's detail. */
    async function api(method, path, body) {
        const headers = {'Accept': 'application/json'};
        if (body !== undefined) headers['Content-Type'] = 'application/json';
        if (method !== 'GET' && csrf.header) headers[csrf.header] = csrf.token;
        const response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body),
            credentials: 'same-origin'});
        if (response.status === 401) {
            window.location.assign('/login');
            throw new Error('logged out');
        }
        const text = await response.text();
        const data = text ? JSON.parse(text) : null;
        if (!response.ok) {
            throw new Error(data?.detail || data?.title || `${method} ${path} answered ${response.status}`);
        }
        return data;
    }

    /** Builds an element; strings become text nodes, so nothing from the API is ever parsed as HTML. */
    function el(tag, attrs = {}, ...children) {
        const node = document.createElement(tag);
        for (const [key, value] of Object.entries(attrs)) {
            if (value === undefined || value === null || value === false) continue;
            if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
            else if (key === 'dataset') Object.assign(node.dataset, value);
            else node.setAttribute(key, value === true ? '' : value);
        }
        for (const child of children.flat()) {
            if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
        }
        return node;
    }

    function rows(table, list, columns, render) {
        const body = document.querySelector(`#${table} tbody`);
        body.replaceChildren(...(list.length ? list.map(render)
            : [el('tr', {}, el('td', {class: 'empty', colspan: columns}, 'Nothing here yet.'))]));
    }

    const badge = state => el('span', {class: `badge ${state}`}, state);
    const num = n => el('td', {class: 'num'}, Number(n).toLocaleString('en-US'));
    const rate = n => el('td', {class: 'num'}, n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
    const bytes = n => n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
    function ago(millis) {
        if (!millis) return 'never';
        const s = Math.max(0, Math.round((Date.now() - millis) / 1000));
        return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min ago`;
    }

    function say(text, ok = true) {
        const box = document.getElementById('message');
        box.textContent = text;
        box.className = `message ${ok ? 'ok' : 'bad'}`;
    }

    /** Runs {@code refresh} now and every REFRESH_MS while the tab is visible; the header shows whether it keeps up. */
    function live(refresh) {
        const indicator = document.getElementById('live');
        let running = false;
        const tick = async () => {
            if (running || document.hidden) return;
            running = true;
            try {
                await refresh();
                indicator.className = 'live';
                indicator.textContent = 'live';
            } catch (e) {
                indicator.className = 'live stale';
                indicator.textContent = `stale: ${e.message}`;
            } finally {
                running = false;
            }
        };
        tick();
        setInterval(tick, REFRESH_MS);
        document.addEventListener('visibilitychange', tick);
        return tick;
    }

    function overview() {
        const set = (id, value) => { document.getElementById(id).textContent = value; };
        live(async () => {
            const [o, nodes] = await Promise.all([api('GET', '/api/overview'), api('GET', '/api/nodes')]);
            set('nodes', `${o.nodesReachable} / ${o.nodes}`);
            set('sessions', o.sessions.toLocaleString('en-US'));
            set('users', o.users.toLocaleString('en-US'));
            set('messages-rate', o.messagesPerSecond.toFixed(1));
            set('deliveries-rate', o.deliveriesPerSecond.toFixed(1));
            set('gateway-sessions', o.gatewaySessions.toLocaleString('en-US'));
            set('backends-up', o.backends.UP);
            set('backends-down', o.backends.DOWN);
            set('backends-draining', o.backends.DRAINING);
            set('backends-disabled', o.backends.DISABLED);
            set('strategy', o.strategy);
            rows('node-summary', nodes, 6, n => el('tr', {dataset: {backend: n.backend}},
                el('td', {}, n.backend), el('td', {}, n.node ?? '–'), el('td', {}, badge(n.state)),
                el('td', {}, badge(n.health)), num(n.sessions), rate(n.messagesPerSecond)));
            rows('gateway-summary', o.gateways, 3, g => el('tr', {dataset: {gateway: g.id}},
                el('td', {}, el('strong', {}, g.id)), el('td', {}, el('a', {href: g.adminUrl}, g.adminUrl)), num(g.connections)));
        });
    }

    function backends() {
        const strategy = document.getElementById('strategy');
        let strategyTouched = false;
        strategy.addEventListener('change', () => { strategyTouched = true; });
        const act = (label, call, danger, disabled) => el('button', {type: 'button', class: danger ? 'small danger' : 'small', disabled, onclick: async () => {
            try {
                await call();
                say(`${label}: done`);
            } catch (e) {
                say(`${label}: ${e.message}`, false);
            }
            await refresh();
        }}, label);
        const refresh = live(async () => {
            const [list, current] = await Promise.all([api('GET', '/api/backends'), api('GET', '/api/strategy')]);
            if (!strategyTouched) strategy.value = current.strategy;
            // Typing a weight must survive the refresh: leave the table alone while one of its inputs has focus.
            if (document.activeElement?.closest('#backends')?.matches('input')) return;
            rows('backends', list, 10, b => {
                const weight = el('input', {type: 'number', min: 1, max: 1000, value: b.weight, 'aria-label': `weight of ${b.id}`});
                const path = `/api/backends/${encodeURIComponent(b.id)}`;
                return el('tr', {dataset: {backend: b.id, state: b.state}},
                    el('td', {}, el('strong', {}, b.id), el('div', {class: 'hint'}, b.url)),
                    el('td', {}, b.source), el('td', {class: 'state'}, badge(b.state)),
                    el('td', {class: 'num connections'}, b.connections.toLocaleString('en-US')),
                    num(b.totalSessions), num(b.failedHandshakes),
                    el('td', {class: 'circuit'}, badge(b.circuit), el('div', {class: 'hint'}, b.consecutiveFailures
                        ? `${b.consecutiveFailures} failures${b.nextRetry ? `, retry ${new Date(b.nextRetry).toLocaleTimeString()}` : ''}` : '')),
                    el('td', {}, el('div', {class: 'weight'}, weight,
                        act('Set', () => api('PUT', `${path}/weight`, {weight: Number(weight.value)})))),
                    el('td', {class: 'error'}, b.lastError || ''),
                    el('td', {}, el('div', {class: 'actions'},
                        act('Enable', () => api('POST', `${path}/enable`), false, b.state === 'UP'),
                        act('Disable', () => api('POST', `${path}/disable`), false, b.state === 'DISABLED'),
                        act('Drain', () => api('POST', `${path}/drain`), false, b.state === 'DRAINING'),
                        act('Remove', () => confirm(`Remove ${b.id}? Its sessions are drained first.`)
                            ? api('DELETE', path) : Promise.reject(new Error('cancelled')), true))));
            });
        });
        document.getElementById('strategy-form').addEventListener('submit', async event => {
            event.preventDefault();
            try {
                const result = await api('PUT', '/api/strategy', {strategy: strategy.value});
                strategyTouched = false;
                say(`Strategy is now ${result.strategy}`);
            } catch (e) {
                say(e.message, false);
            }
        });
        document.getElementById('add-form').addEventListener('submit', async event => {
            event.preventDefault();
            const url = document.getElementById('add-url');
            try {
                const added = await api('POST', '/api/backends', {url: url.value.trim(), weight: Number(document.getElementById('add-weight').value)});
                say(`Added ${added.id}`);
                url.value = '';
            } catch (e) {
                say(e.message, false);
            }
            await refresh();
        });
    }

    function nodes() {
        live(async () => {
            const list = await api('GET', '/api/nodes');
            rows('nodes', list, 13, n => el('tr', {dataset: {backend: n.backend}},
                el('td', {}, n.backend), el('td', {}, n.node ?? '–'), el('td', {}, badge(n.state)),
                el('td', {}, badge(n.health)),
                el('td', {class: 'components'}, Object.entries(n.components).map(([k, v]) => `${k}: ${v}`).join(', ')),
                num(n.sessions), num(n.users), num(n.groups), rate(n.messagesPerSecond), rate(n.deliveriesPerSecond),
                num(n.messages), el('td', {}, ago(n.updatedMillis)), el('td', {class: 'error'}, n.error)));
        });
    }

    function clients() {
        const search = document.getElementById('search');
        const params = new URLSearchParams(window.location.search);
        search.value = params.get('q') ?? '';
        const refresh = live(async () => {
            const q = search.value.trim();
            const page = await api('GET', `/api/clients?limit=200&q=${encodeURIComponent(q)}`);
            document.getElementById('client-count').textContent = page.total > page.clients.length
                ? `${page.total.toLocaleString('en-US')} sessions match; showing the newest ${page.clients.length}, search to narrow`
                : `${page.total.toLocaleString('en-US')} sessions`;
            rows('clients', page.clients, 7, c => el('tr', {dataset: {client: c.id}},
                el('td', {}, el('a', {href: `/clients/${encodeURIComponent(c.id)}`}, el('code', {}, c.id))),
                el('td', {}, c.user ?? '–'), el('td', {}, c.remoteAddress), el('td', {}, c.backend ?? '–'),
                el('td', {}, ago(c.since)), el('td', {class: 'num'}, bytes(c.bytesIn)), el('td', {class: 'num'}, bytes(c.bytesOut))));
        });
        let pending;
        search.addEventListener('input', () => {
            clearTimeout(pending);
            pending = setTimeout(() => {
                history.replaceState(null, '', search.value ? `?q=${encodeURIComponent(search.value)}` : window.location.pathname);
                refresh();
            }, 250);
        });
    }

    function client() {
        const id = document.body.dataset.client;
        const field = name => document.querySelector(`#client [data-field="${name}"]`);
        live(async () => {
            let c;
            try {
                c = await api('GET', `/api/clients/${encodeURIComponent(id)}`);
            } catch (e) {
                say(`This session is closed or unknown (${e.message}).`, false);
                return;
            }
            say('Connected', true);
            field('user').textContent = c.user ?? '–';
            field('backend').textContent = c.backend ?? '–';
            field('remoteAddress').textContent = c.remoteAddress;
            field('since').textContent = `${new Date(c.since).toISOString()} (${ago(c.since)})`;
            field('bytesIn').textContent = bytes(c.bytesIn);
            field('bytesOut').textContent = bytes(c.bytesOut);
        });
    }

    function send() {
        const target = document.getElementById('target');
        const nameLabel = document.getElementById('name-label');
        const showName = () => { nameLabel.hidden = target.value === 'broadcast'; };
        target.addEventListener('change', showName);
        showName();
        live(async () => {});
        document.getElementById('send-form').addEventListener('submit', async event => {
            event.preventDefault();
            const text = document.getElementById('data').value;
            let data;
            try {
                data = JSON.parse(text);
            } catch {
                data = text;
            }
            try {
                const answer = await api('POST', '/api/messages', {target: target.value, name: document.getElementById('name').value.trim(),
                    tenant: document.getElementById('tenant').value, data});
                say(`Sent: id ${answer.id}${answer.status ? `, ${answer.status}` : ''}`);
            } catch (e) {
                say(`Not sent: ${e.message}`, false);
            }
        });
    }

    const pages = {overview, backends, nodes, clients, client, send};
    pages[document.body.dataset.page]?.();
})();
