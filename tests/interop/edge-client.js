// The stock socket.io-client at crm-server's edges.
//   node edge-client.js flood URL TOKEN N    on sync:caught-up, emits N `echo` events at once
//   node edge-client.js namespace URL TOKEN  connects to the namespace /admin, which is not served
// Prints one JSON line. flood: `log` lists, in arrival order, "ack <n>", "rate:limited" and
// "disconnect <reason>"; `wsClose` is the WebSocket close code the client saw last (1006: the
// connection broke without a closing handshake). Exit 0 when the run ended as described (the
// caller checks the contents), 2 on connect_error, 1 on anything else or after 15 s.
"use strict";
const { io } = require("socket.io-client");

const [mode, url, token, count] = process.argv.slice(2);
const result = { log: [] };
let finished = false; // later events (a timer, a close) must not print a second result
const done = (code) => {
  if (finished) return;
  finished = true;
  // A pipe's write can be partly queued when the reader is busy: exit once it is all out.
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(code));
};
setTimeout(() => { result.error = "timeout"; done(1); }, 15000);

if (mode === "namespace") {
  const socket = io(`${url}/admin`, { transports: ["websocket"], reconnection: false, auth: { token } });
  socket.on("connect", () => { result.connected = true; done(1); });
  socket.on("connect_error", (err) => {
    result.connectError = { message: err.message, data: err.data };
    done(2);
  });
} else if (mode === "flood") {
  const socket = io(url, {
    transports: ["websocket"],
    reconnection: false,
    auth: { token, clientId: "flooder" },
  });
  socket.on("connect_error", (err) => {
    result.connectError = { message: err.message, data: err.data };
    done(2);
  });
  socket.on("connect", () => {
    // The raw WebSocket under Engine.IO: its close event tells a closing handshake (1000, 1005)
    // from a broken connection (1006).
    socket.io.engine.transport.ws.addEventListener("close", (event) => {
      result.wsClose = event.code;
      if (result.disconnectReason) done(0);
    });
  });
  socket.on("sync:caught-up", () => {
    for (let i = 1; i <= Number(count); ++i)
      socket.emit("echo", i, (answer) => result.log.push(`ack ${answer}`));
  });
  socket.on("rate:limited", (payload) => {
    result.log.push("rate:limited");
    result.rateLimited = payload;
  });
  socket.on("disconnect", (reason) => {
    result.log.push(`disconnect ${reason}`);
    result.disconnectReason = reason;
    if (result.wsClose !== undefined) done(0);
  });
} else {
  result.error = `unknown mode ${mode}`;
  done(1);
}
