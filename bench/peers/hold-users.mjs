// Holds N WebSocket connections as users u0..u(N-1) against a wsgrid-speaking server and counts the frames they get.
// Prints "ready" once every connection has its first frame, then holds until killed (SIGTERM prints the count).
// Usage: node hold-users.mjs <ws-url> <users>   (needs the `ws` package on NODE_PATH)
import WebSocket from 'ws';

const [url, count] = [process.argv[2], Number(process.argv[3] ?? 1000)];
let open = 0, frames = 0;
for (let i = 0; i < count; i++) {
  const ws = new WebSocket(`${url}?user_id=u${i}`, { perMessageDeflate: false });
  let first = true;
  ws.on('message', () => {
    frames++;
    if (first && (first = false, ++open === count)) console.log('ready');
  });
  ws.on('error', e => { console.error(`u${i}: ${e.message}`); process.exit(1); });
}
process.on('SIGTERM', () => { console.log(`frames ${frames}`); process.exit(0); });
