// A teammate's client written with the stock socket.io-client: it connects, says READY once it
// has caught up, records every ai:task:* event it hears until one task reaches a final state,
// then asks for task:list and leaves. Usage: node task-listener.js URL TOKEN
// Prints "READY", then one JSON line {"events": [[name, payload], ...], "list": <task:list ack>,
// "initial": <ai:task:list>}; exit 0 when that worked, 1 otherwise (or after 30 s).
"use strict";
const { io } = require("socket.io-client");

const [url, token] = process.argv.slice(2);
const socket = io(url, {
  transports: ["websocket"],
  reconnection: false,
  auth: { token, clientId: "npm-listener" },
});
const result = { events: [] };
let finished = false; // later events (a timer, a close) must not print a second result
const done = (code) => {
  if (finished) return;
  finished = true;
  socket.close();
  // A pipe's write can be partly queued when the reader is busy: exit once it is all out.
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(code));
};
setTimeout(() => { result.error = "timeout"; done(1); }, 30000);

socket.on("connect_error", (err) => {
  result.connectError = { message: err.message, data: err.data };
  done(1);
});
// ai:task:list follows sync:caught-up: ready once both arrived.
socket.on("ai:task:list", (payload) => {
  result.initial = payload;
  process.stdout.write("READY\n");
});
socket.onAny(async (event, payload) => {
  if (!event.startsWith("ai:task:") || event === "ai:task:list") return;
  result.events.push([event, payload]);
  if (!["ai:task:completed", "ai:task:failed", "ai:task:cancelled"].includes(event)) return;
  try {
    result.list = await socket.timeout(5000).emitWithAck("task:list", {});
    done(0);
  } catch (err) {
    result.error = String(err);
    done(1);
  }
});
