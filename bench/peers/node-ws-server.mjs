// A minimal Node.js `ws` server speaking the subset of the wsgrid protocol the fan-out and echo benchmarks use:
// the `connected` frame, app-level ping/pong, POST /api/v1/broadcast and POST /api/v1/users/{user}/messages. It encodes
// each message once into a Buffer and sends that Buffer to every socket that gets it, the fair way to write a minimal
// fan-out in Node; a user send looks the user's sockets up in a Map and answers 202 {id, status, offset} like ws-node.
// Usage: node node-ws-server.mjs <port>   (needs the `ws` package on NODE_PATH)
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 18090);
const users = new Map(); // user -> Set of sockets
const USER_SEND = /^\/api\/v1\/users\/([^/]+)\/messages$/;
let offset = 0;
const server = http.createServer((req, res) => {
  const userSend = req.method === 'POST' ? USER_SEND.exec(req.url) : null;
  if (userSend) {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const user = decodeURIComponent(userSend[1]);
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const id = randomUUID();
      const sockets = users.get(user);
      if (sockets) {
        const frame = Buffer.from(JSON.stringify({ type: 'message', id, from: null, data: body.data, ts: Date.now() }));
        for (const ws of sockets) ws.send(frame, { binary: false });
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, status: sockets ? 'sent' : 'queued', offset: ++offset }));
    });
    return;
  }
  if (req.method === 'POST' && req.url === '/api/v1/broadcast') {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const id = randomUUID();
      const frame = Buffer.from(JSON.stringify({ type: 'message', id, broadcast: true, data: body.data, ts: Date.now() }));
      for (const client of wss.clients) {
        if (client.readyState === 1) client.send(frame, { binary: false });
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
    });
    return;
  }
  res.writeHead(404);
  res.end();
});
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const user = new URL(req.url, 'http://x').searchParams.get('user_id');
  if (!users.has(user)) users.set(user, new Set());
  users.get(user).add(ws);
  ws.on('close', () => { const s = users.get(user); s.delete(ws); if (s.size === 0) users.delete(user); });
  ws.send(JSON.stringify({ type: 'connected', session: randomUUID(), user, node: 'node-ws', heartbeat: 25 }));
  ws.on('message', data => {
    const msg = JSON.parse(data.toString());
    if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', id: msg.id }));
  });
});
server.listen(port, '127.0.0.1', () => console.log(`node ws peer on ${port}`));
