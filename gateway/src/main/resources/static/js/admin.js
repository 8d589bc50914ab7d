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
    const clock = millis => new Date(millis).toLocaleTimeString('en-GB');
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

    const COLORS = ['#2f6fde', '#1f8a4c', '#c53030', '#b7791f', '#805ad5', '#0f8a8a', '#d53f8c', '#4a5568'];
    const CHART_HEIGHT = 170;
    /** The page's uPlot charts by name, for a look from the console (or a test): wsgridCharts.sessions.data. */
    const charts = window.wsgridCharts = {};

    /**
     * A uPlot line chart in #chart-<name>; returns draw(times, [{label, values}]). It is built again only when its
     * series change (a backend added or removed); otherwise new data just replaces the old.
     */
    function chart(name, id) {
        const box = document.getElementById(`chart-${id}`);
        let labels;
        new ResizeObserver(() => {
            const plot = charts[name];
            if (plot && plot.width !== box.clientWidth) plot.setSize({width: box.clientWidth, height: CHART_HEIGHT});
        }).observe(box);
        return (times, series) => {
            const data = [times.map(t => t / 1000), ...series.map(s => s.values)];
            const key = series.map(s => s.label).join('\n');
            if (key === labels) {
                charts[name].setData(data);
                return;
            }
            charts[name]?.destroy();
            labels = key;
            charts[name] = new uPlot({width: box.clientWidth, height: CHART_HEIGHT, axes: [{}, {size: 52}],
                scales: {y: {range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1]}},
                series: [{}, ...series.map((s, i) => ({label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5}))]}, data, box);
        };
    }

    function overview() {
        const set = (id, value) => { document.getElementById(id).textContent = value; };
        const draw = {
            sessions: chart('sessions', 'sessions'), rates: chart('rates', 'rates'), handshakes: chart('handshakes', 'handshakes'),
            connections: chart('connections', 'connections'), nodeSessions: chart('nodeSessions', 'node-sessions'),
            nodeMessages: chart('nodeMessages', 'node-messages'), nodeDeliveries: chart('nodeDeliveries', 'node-deliveries'),
        };
        live(async () => {
            const [o, nodes, h] = await Promise.all([api('GET', '/api/overview'), api('GET', '/api/nodes'), api('GET', '/api/history')]);
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

            const minutes = h.capacity * h.intervalMillis / 60000;
            set('history-window', minutes >= 1 ? `${Math.round(minutes)} min` : `${Math.round(minutes * 60)} s`);
            const ids = Object.keys(h.backends);
            const perBackend = field => ids.map(id => ({label: h.nodes[id] ? `${h.nodes[id]} (${id})` : id, values: h.backends[id][field]}));
            draw.sessions(h.times, [{label: 'on nodes', values: h.cluster.sessions}, {label: 'relayed by gateway', values: h.cluster.gatewaySessions}]);
            draw.rates(h.times, [{label: 'messages/s', values: h.cluster.messagesPerSecond}, {label: 'deliveries/s', values: h.cluster.deliveriesPerSecond}]);
            // Outcomes that never happened in the window would only add flat lines at zero.
            draw.handshakes(h.times, Object.entries(h.handshakes).filter(([k, v]) => k === 'relayed' || v.some(x => x > 0))
                .map(([k, v]) => ({label: k.replaceAll('_', ' '), values: v})));
            draw.connections(h.times, perBackend('connections'));
            draw.nodeSessions(h.times, perBackend('sessions'));
            draw.nodeMessages(h.times, perBackend('messagesPerSecond'));
            draw.nodeDeliveries(h.times, perBackend('deliveriesPerSecond'));
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
                    // The API leaves out an error that is no longer current; one that is comes with its time.
                    el('td', {class: 'error'}, b.lastError ? [b.lastError,
                        el('div', {class: 'hint when'}, `${clock(b.lastErrorMillis)}, ${ago(b.lastErrorMillis)}`)] : ''),
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
        const tenant = document.getElementById('tenant');
        const params = new URLSearchParams(window.location.search);
        search.value = params.get('q') ?? '';
        if (params.get('tenant')) tenant.value = params.get('tenant');
        const refresh = live(async () => {
            const q = search.value.trim();
            const [page, user] = await Promise.all([api('GET', `/api/clients?limit=200&q=${encodeURIComponent(q)}`), lookUp(q)]);
            document.getElementById('client-count').textContent = page.total > page.clients.length
                ? `${page.total.toLocaleString('en-US')} sessions match; showing the newest ${page.clients.length}, search to narrow`
                : `${page.total.toLocaleString('en-US')} sessions`;
            rows('clients', page.clients, 8, c => el('tr', {dataset: {client: c.id}},
                el('td', {}, el('a', {href: `/clients/${encodeURIComponent(c.id)}`}, el('code', {}, c.id))),
                el('td', {}, c.user ?? '–'), el('td', {}, c.remoteAddress), el('td', {}, c.backend ?? '–'), el('td', {}, c.node ?? '–'),
                el('td', {}, ago(c.since)), el('td', {class: 'num'}, bytes(c.bytesIn)), el('td', {class: 'num'}, bytes(c.bytesOut))));
            showUser(q, user);
        });

        /** Asks every node about the user named exactly {@code q}; the answer or the error is shown above the table. */
        async function lookUp(q) {
            if (!q) return null;
            try {
                return await api('GET', `/api/users/${encodeURIComponent(q)}?tenant=${encodeURIComponent(tenant.value)}`);
            } catch (e) {
                return {error: e.message};
            }
        }

        function showUser(q, user) {
            const box = document.getElementById('user-sessions');
            box.hidden = !q;
            if (!q) return;
            document.getElementById('user-name').textContent = q;
            const summary = document.getElementById('user-summary');
            if (user.error) {
                summary.textContent = user.error;
                summary.className = 'error';
                rows('user-nodes', [], 6);
                return;
            }
            const c = user.cluster;
            summary.className = '';
            summary.textContent = (c.online
                ? `${c.sessions.toLocaleString('en-US')} session${c.sessions === 1 ? '' : 's'} on ${c.nodes.join(', ')}`
                : 'no session on any node that answered') + ` (tenant ${c.tenant}; ${c.answered} of ${c.asked} nodes answered)`;
            rows('user-nodes', c.answers, 6, a => el('tr', {dataset: {backend: a.backend}},
                el('td', {}, a.backend), el('td', {}, a.node ?? '–'), el('td', {}, a.error ? '–' : a.online ? 'yes' : 'no'),
                a.error ? el('td', {class: 'num'}, '–') : num(a.sessions), el('td', {class: 'nodes'}, a.nodes.join(', ')),
                el('td', {class: 'error'}, a.error ?? '')));
        }

        let pending;
        const changed = () => {
            clearTimeout(pending);
            pending = setTimeout(() => {
                const query = new URLSearchParams();
                if (search.value) query.set('q', search.value);
                if (tenant.value !== 'default') query.set('tenant', tenant.value);
                history.replaceState(null, '', query.size ? `?${query}` : window.location.pathname);
                refresh();
            }, 250);
        };
        search.addEventListener('input', changed);
        tenant.addEventListener('change', changed);
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
