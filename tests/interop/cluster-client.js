// The stock socket.io-client against a crm-server cluster: one socket through the balancer
// listens, and one socket on each node creates an escrow. The listener must hear every create,
// whichever node took it, once each and in seq order.
// Usage: node cluster-client.js BALANCER_URL TOKEN NODE_URL...
// Prints one JSON line; exit 0 when every change arrived in order, 1 otherwise.
"use strict";
const { randomUUID } = require("crypto");
const { io } = require("socket.io-client");

const [balancer, token, ...nodes] = process.argv.slice(2);
const result = { seqs: [] };
const sockets = [];
let finished = false; // later events (a timer, a close) must not print a second result
const done = (code) => {
  if (finished) return;
  finished = true;
  for (const socket of sockets) socket.close();
  // A pipe's write can be partly queued when the reader is busy: exit once it is all out.
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(code));
};
setTimeout(() => { result.error = "timeout"; done(1); }, 15000);

const connect = (url, clientId) => {
  const socket = io(url, { transports: ["websocket"], reconnection: false,
                           auth: { token, clientId } });
  socket.on("connect_error", (err) => { result.connectError = err.message; done(1); });
  sockets.push(socket);
  return socket;
};

const listener = connect(balancer, "npm-listener");
listener.on("escrow:created", (change) => {
  result.seqs.push(change.seq);
  if (result.seqs.length < nodes.length) return;
  const ordered = result.seqs.every((seq, i) => i === 0 || seq === result.seqs[i - 1] + 1);
  // Anything sent twice would come within this pause.
  setTimeout(() => done(ordered && result.seqs.length === nodes.length ? 0 : 1), 300);
});
listener.on("sync:caught-up", () => {
  nodes.forEach((url, i) => {
    const writer = connect(url, `npm-writer-${i}`);
    writer.on("sync:caught-up", async () => {
      try {
        const answer = await writer.timeout(5000).emitWithAck("mutate", {
          module: "escrows", op: "create", id: randomUUID(), mutationId: 1,
          fields: { number: `NPM-${i}` },
        });
        if (answer.status !== "applied") { result.error = answer; done(1); }
      } catch (err) {
        result.error = String(err);
        done(1);
      }
    });
  });
});
