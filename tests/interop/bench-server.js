// The comparison peer for bench_fanout: a stock Node socket.io server doing the same fan-out as
// crm-server (ack the writer's mutate, broadcast the change to every socket of the team), but
// with no storage, validation or per-recipient masking, so it is the generous side of the ratio.
// Usage: node bench-server.js [--port N]  (prints "PORT <n>")
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const httpServer = http.createServer();
const io = new Server(httpServer, { transports: ["websocket"], maxHttpBufferSize: 1e6 });
let seq = 0;
io.on("connection", (socket) => {
  socket.join("team");
  socket.emit("sync:caught-up", { seq });
  socket.on("mutate", (m, ack) => {
    seq += 1;
    const change = {
      module: m.module, id: m.id, kind: m.op === "create" ? "created" : "updated",
      fields: m.fields, version: seq, seq, by: { id: "writer", name: "Writer" },
      at: new Date().toISOString(), clientId: socket.handshake.auth.clientId,
      mutationId: m.mutationId,
    };
    if (typeof ack === "function") ack({ status: "applied", version: seq, seq });
    io.to("team").emit(m.op === "create" ? "escrow:created" : "escrow:updated", change);
  });
});
const portArg = process.argv.indexOf("--port");
httpServer.listen(portArg > 0 ? Number(process.argv[portArg + 1]) : 0, "127.0.0.1", () => process.stdout.write(`PORT ${httpServer.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
