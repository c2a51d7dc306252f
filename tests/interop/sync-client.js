// A third-party client written with the stock socket.io-client against crm-server's sync
// protocol: connect with a token, catch up, create a record with `mutate`, resend it, and hear
// the change come back. Usage: node sync-client.js URL TOKEN CLIENT_ID RECORD_ID
// Prints one JSON line; exit 0 when the whole exchange worked, 1 otherwise.
"use strict";
const { io } = require("socket.io-client");

const [url, token, clientId, recordId] = process.argv.slice(2);
const socket = io(url, {
  transports: ["websocket"],
  reconnection: false,
  auth: { token, clientId, since: 0 },
});
const result = {};
let finished = false; // later events (a timer, a close) must not print a second result
const done = (code) => {
  if (finished) return;
  finished = true;
  socket.close();
  // A pipe's write can be partly queued when the reader is busy: exit once it is all out.
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(code));
};
setTimeout(() => { result.error = "timeout"; done(1); }, 10000);

socket.on("connect_error", (err) => { result.connectError = { message: err.message, data: err.data }; done(1); });
socket.on("escrow:created", (change) => {
  result.event = change;
  if (result.duplicate) done(0);
});
socket.on("sync:caught-up", async ({ seq }) => {
  result.caughtUpAt = seq;
  const mutation = {
    module: "escrows", op: "create", id: recordId, mutationId: 1,
    fields: { number: "ESC-NPM-1", purchasePrice: 615000, status: "open" },
  };
  try {
    result.applied = await socket.timeout(3000).emitWithAck("mutate", mutation);
    result.duplicate = await socket.timeout(3000).emitWithAck("mutate", mutation);
    if (result.event) done(0);
  } catch (err) {
    result.error = String(err);
    done(1);
  }
});
