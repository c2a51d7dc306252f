// Stock socket.io-client against our crm-server endpoint.
// Usage: node sio-client.js URL TOKEN
// Prints one JSON line with what happened; exit 0 when every check passed, 2 on connect_error,
// 1 on any other failure or after 10 s.
"use strict";
const { io } = require("socket.io-client");

const [url, token] = process.argv.slice(2);
const socket = io(url, {
  transports: ["websocket"],
  reconnection: false,
  auth: { token, clientId: "npm-client" },
});
const result = { connected: false };
let finished = false; // later events (a timer, a close) must not print a second result
const done = (code) => {
  if (finished) return;
  finished = true;
  socket.close();
  // A pipe's write can be partly queued when the reader is busy: exit once it is all out.
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(code));
};
setTimeout(() => { result.error = "timeout"; done(1); }, 10000);

// Our server greets with an event that asks for an ack.
socket.on("hello", (payload, ack) => {
  result.hello = payload;
  ack({ fromClient: "npm", received: payload });
});
socket.on("connect_error", (err) => {
  result.connectError = { message: err.message, data: err.data };
  done(2);
});
socket.on("connect", async () => {
  result.connected = true;
  result.id = socket.id;
  try {
    // emitWithAck resolves with the first argument only; the callback form sees them all.
    result.echo = await new Promise((resolve, reject) => {
      socket.timeout(3000).emit("echo", { n: 1 }, "two", [3], (err, ...args) =>
        err ? reject(err) : resolve(args));
    });
    // Wait for the server's ack-requesting event to be handled before leaving.
    await new Promise((resolve) => setTimeout(resolve, 200));
    done(result.hello ? 0 : 1);
  } catch (err) {
    result.error = String(err);
    done(1);
  }
});
