// A minimal Node.js `ws` server speaking the subset of the wsgrid protocol the fan-out and echo benchmarks use:
// the `connected` frame, app-level ping/pong, and POST /api/v1/broadcast. It encodes each broadcast once into a Buffer
// and sends that Buffer to every client, the fair way to write a minimal fan-out in Node.
// Usage: node node-ws-server.mjs <port>   (needs the `ws` package on NODE_PATH)
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 18090);
const server = http.createServer((req, res) => {
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
  ws.send(JSON.stringify({ type: 'connected', session: randomUUID(), user, node: 'node-ws', heartbeat: 25 }));
  ws.on('message', data => {
    const msg = JSON.parse(data.toString());
    if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', id: msg.id }));
  });
});
server.listen(port, '127.0.0.1', () => console.log(`node ws peer on ${port}`));
