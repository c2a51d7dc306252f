// Measures what oversized input costs crm-server before anyone logs in: the server process's
// resident memory (VmRSS) and its peak (VmHWM, reset before each phase) from /proc/PID/status,
// at the start, after 4 WebSocket frames of 32 MiB and after 4 REST bodies of 32 MiB, each sent
// whole over its own connection, the four at once. Prints one JSON line. Linux only.
// Usage: node bench/oversize-memory.js build/server/crm-server
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");

const SIZE = 32 * 1024 * 1024;
const serverPath = path.resolve(process.argv[2]);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-oversize-"));

// VmHWM is the peak since the last reset: each phase resets it, so each shows its own peak.
function resetPeak(pid) {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))[1]);
  return { rssMiB: +(kib("VmRSS") / 1024).toFixed(1), peakMiB: +(kib("VmHWM") / 1024).toFixed(1) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One raw connection: writes `head` and `body`, collects what comes back until the server
// closes (or 20 s pass). Resolves with how it ended, the first line of the answer and the code
// of a WebSocket close frame, if one came.
function exchange(port, head, body, onOpen) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let answer = Buffer.alloc(0);
    let ended = "timeout";
    const timer = setTimeout(() => socket.destroy(), 20000);
    socket.on("connect", () => {
      socket.write(head);
      if (onOpen) onOpen(socket, () => answer);
      else socket.write(body);
    });
    socket.on("data", (chunk) => { answer = Buffer.concat([answer, chunk]); });
    socket.on("error", (err) => { ended = err.code; });
    socket.on("close", () => {
      clearTimeout(timer);
      if (ended === "timeout" && answer.length) ended = "closed";
      // A WebSocket close frame from the server: 0x88, length, then the code.
      const close = answer.indexOf(Buffer.from([0x88]), answer.indexOf("\r\n\r\n"));
      resolve({ ended, status: answer.toString("latin1").split("\r\n")[0],
                closeCode: close >= 0 && answer.length >= close + 4 ? answer.readUInt16BE(close + 2) : null });
    });
  });
}

function wsFrame() {
  const header = Buffer.alloc(14);
  header[0] = 0x81; // FIN, text
  header[1] = 0x80 | 127; // masked, 64-bit length
  header.writeBigUInt64BE(BigInt(SIZE), 2);
  header.writeUInt32BE(0, 10); // an all-zero mask leaves the payload as it is
  return Buffer.concat([header, Buffer.alloc(SIZE, "4")]);
}

async function main() {
  const server = spawn(serverPath, ["--data", dataDir, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve) => {
    server.stdout.on("data", (d) => { const m = /listening on \S+:(\d+)/.exec(String(d)); if (m) resolve(Number(m[1])); });
  });
  await sleep(500);
  const figures = { start: memory(server.pid) };

  resetPeak(server.pid);
  const frame = wsFrame();
  const upgrade = `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
    "Sec-WebSocket-Version: 13\r\n\r\n";
  const ws = await Promise.all([0, 1, 2, 3].map(() => exchange(port, upgrade, null, (socket, answer) => {
    // The frame goes out once the server's handshake (101 and Engine.IO open) is there.
    const wait = setInterval(() => {
      if (answer().includes("\r\n\r\n")) { clearInterval(wait); socket.write(frame); }
    }, 5);
  })));
  await sleep(500);
  figures.afterFrames = memory(server.pid);
  figures.frames = ws.map((r) => ({ ended: r.ended, closeCode: r.closeCode }));

  const body = Buffer.alloc(SIZE, " ");
  const head = `POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${SIZE}\r\n\r\n`;
  resetPeak(server.pid);
  const rest = await Promise.all([0, 1, 2, 3].map(() => exchange(port, head, body)));
  await sleep(500);
  figures.afterBodies = memory(server.pid);
  figures.bodies = rest.map((r) => ({ ended: r.ended, status: r.status }));

  server.kill("SIGTERM");
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(figures) + "\n");
}

main();
