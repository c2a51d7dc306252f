#!/usr/bin/env node
// A record's shared notes from outside crm-desktop, the way a web editor joins them
// (docs/protocol.md 5.9): the stock yjs holds the document, y-protocols' Awareness the carets,
// socket.io-client carries both. Everything crm-desktop users type appears here, and what this
// peer types appears in their windows, with its caret and name.
//
// Usage:
//   node notes-peer.js --server URL --token TOKEN --module escrows --id ID
//                      [--name "Web editor"] [--type "TEXT"] [--watch SECONDS]
// It joins the note, prints its text, types TEXT at the end one character at a time (as a
// person would), then prints the text each time someone changes it, for SECONDS (default 0),
// leaves, and prints the final text. Exit status: 0 done, 1 refused or failed.
"use strict";
const { io } = require("socket.io-client");
const Y = require("yjs");
const awarenessProtocol = require("y-protocols/awareness");

function parseArgs(argv) {
  const options = { name: "Web editor", type: "", watch: 0 };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => argv[++i];
    if (argv[i] === "--server") options.server = value();
    else if (argv[i] === "--token") options.token = value();
    else if (argv[i] === "--module") options.module = value();
    else if (argv[i] === "--id") options.id = value();
    else if (argv[i] === "--name") options.name = value();
    else if (argv[i] === "--type") options.type = value();
    else if (argv[i] === "--watch") options.watch = Number(value());
  }
  return options;
}

const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const bytes = (text) => new Uint8Array(Buffer.from(text || "", "base64"));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.server || !options.token || !options.module || !options.id) {
    console.error("usage: notes-peer.js --server URL --token TOKEN --module M --id ID " +
                  "[--name N] [--type TEXT] [--watch SECONDS]");
    return 1;
  }
  const note = { module: options.module, id: options.id };
  const socket = io(options.server, {
    transports: ["websocket"],
    auth: { token: options.token, clientId: `notes-peer-${process.pid}` },
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (error) => reject(new Error(`connect: ${error.message}`)));
  });
  const ask = (event, payload) => socket.timeout(10000).emitWithAck(event, payload);

  const doc = new Y.Doc();
  const text = doc.getText("notes");
  const awareness = new awarenessProtocol.Awareness(doc);
  // What the server sends is applied with an origin of its own; only local edits go back.
  doc.on("update", (update, origin) => {
    if (origin === "server") return;
    // Not stored (no answer, a dropped link): the next join sends whatever the server lacks.
    ask("note:update", { ...note, update: b64(update) }).then(
      (answer) => { if (answer.status !== "ok") console.error(`not stored: ${answer.error.message}`); },
      (error) => console.error(`not stored yet: ${error.message}`));
  });
  awareness.on("update", ({ added, updated, removed }, origin) => {
    if (origin === "server") return;
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]);
    socket.emit("note:awareness", { ...note, update: b64(update) });
  });
  socket.on("note:update", (message) => {
    if (message.module !== note.module || message.id !== note.id) return;
    Y.applyUpdate(doc, bytes(message.update), "server");
    if (options.watch > 0) console.log(`changed: ${JSON.stringify(text.toString())}`);
  });
  socket.on("note:awareness", (message) => {
    if (message.module === note.module && message.id === note.id)
      awarenessProtocol.applyAwarenessUpdate(awareness, bytes(message.update), "server");
  });

  // Sync step 1 and 2 in one round trip: what we lack comes back; we send what it lacks. The
  // server forgets a socket's notes when the link drops, so every reconnect joins again.
  const join = async () => {
    const joined = await ask("note:join", { ...note, stateVector: b64(Y.encodeStateVector(doc)) });
    if (joined.status !== "ok")
      throw new Error(`note:join refused: ${joined.error.code}: ${joined.error.message}`);
    Y.applyUpdate(doc, bytes(joined.update), "server");
    if (joined.awareness) awarenessProtocol.applyAwarenessUpdate(awareness, bytes(joined.awareness), "server");
    const missing = Y.encodeStateAsUpdate(doc, bytes(joined.stateVector));
    // An empty update is two zero bytes: nothing the server lacks.
    if (missing.length > 2) await ask("note:update", { ...note, update: b64(missing) });
    if (awareness.getLocalState()) awareness.setLocalState(awareness.getLocalState());
  };
  try {
    await join();
  } catch (error) {
    console.error(error.message);
    socket.close();
    return 1;
  }
  socket.on("connect", () => join().catch((error) => console.error(`rejoining: ${error.message}`)));
  console.log(`joined: ${JSON.stringify(text.toString())}`);

  const caretAt = (index) => ({
    anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index)),
    head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index)),
  });
  awareness.setLocalState({ user: { name: options.name, color: "#b45309" }, cursor: caretAt(text.length) });
  for (const character of options.type) {
    text.insert(text.length, character);
    awareness.setLocalStateField("cursor", caretAt(text.length));
    await sleep(40);
  }
  await sleep(options.watch * 1000);
  await ask("note:leave", note);
  console.log(`final: ${JSON.stringify(text.toString())}`);
  socket.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error.message);
    process.exit(1);
  });
