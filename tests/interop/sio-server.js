// Stock Socket.IO server for interop tests: our ConnectionManager connects to it.
// Usage: node sio-server.js --port 0 --token T [--ping-interval ms] [--ping-timeout ms]
// Prints "PORT <n>" once listening. Tokens: T is accepted; "expired" is refused with
// {code: "auth_expired"}; "busy" with {code: "server_busy"}; anything else {code: "auth_invalid"}.
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const token = arg("token", "good-token");
const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ["websocket"],
  pingInterval: Number(arg("ping-interval", 25000)),
  pingTimeout: Number(arg("ping-timeout", 20000)),
});

let connections = 0;
io.use((socket, next) => {
  const given = socket.handshake.auth && socket.handshake.auth.token;
  if (given === token) return next();
  const refusal = (message, code) => {
    const err = new Error(message);
    err.data = { code };
    return err;
  };
  if (given === "expired") return next(refusal("token expired", "auth_expired"));
  if (given === "busy") return next(refusal("server busy", "server_busy"));
  return next(refusal("not authorized", "auth_invalid"));
});

io.on("connection", (socket) => {
  connections += 1;
  socket.emit("welcome", { sid: socket.id, auth: socket.handshake.auth, connections });
  socket.on("echo", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) ack(...args);
  });
  // Makes the server emit an event that asks our client for an ack, then reports the answer.
  socket.on("ask", (payload) => {
    socket.timeout(2000).emit("question", payload, (err, answer) => {
      socket.emit("answered", err ? { error: String(err) } : answer);
    });
  });
  socket.on("kick", () => socket.disconnect(true));
});

httpServer.listen(Number(arg("port", 0)), "127.0.0.1", () => {
  process.stdout.write(`PORT ${httpServer.address().port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
