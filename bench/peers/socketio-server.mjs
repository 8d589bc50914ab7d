// A minimal Socket.IO 4 server for the fan-out benchmark: clients connect over the WebSocket transport, and
// POST /api/v1/broadcast emits one "message" event to everyone (Socket.IO encodes the packet once for a broadcast).
// Usage: node socketio-server.mjs <port>   (run from a folder with `socket.io` installed)
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from 'socket.io';

const port = Number(process.argv[2] ?? 18095);
const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/api/v1/broadcast') {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const id = randomUUID();
      io.emit('message', { type: 'message', id, broadcast: true, data: body.data, ts: Date.now() });
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
    });
    return;
  }
  res.writeHead(404);
  res.end();
});
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
server.listen(port, '127.0.0.1', () => console.log(`socket.io peer on ${port}`));
