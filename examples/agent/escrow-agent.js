#!/usr/bin/env node
// An example external AI agent for crm-server, using only the stock socket.io-client (and the
// stock yjs for the escrow's shared notes).
//
// It turns one sentence (the "structured input" an LLM running elsewhere would produce) into
// the records an agent would otherwise type by hand: the buyer and seller as clients, the
// listing, and the escrow that ties them together. It works the way every agent should:
//   1. exchange its agent key for an access token      POST /api/agent/session
//   2. connect with that token                          (its edits show as "<user> (AI)")
//   3. register a task                                  task:start {kind: "agent"}
//   4. report each step                                 task:report {step, stepsDone, ...}
//   5. do the work through `mutate`, like any client    (validation and conflicts apply)
//   6. stop between steps when asked                    ai:task:cancel -> report "cancelled"
//   7. leave a summary line in the escrow's notes       note:join, note:update (Yjs)
//
// Usage:
//   node escrow-agent.js --server URL --key crmagent_... [--step-delay MS] "SENTENCE"
// The sentence reads like:
//   Open escrow ESC-2031 for 12 Harbor Way at $850,000, buyer Jo Park <jo@example.com>,
//   seller Sam Lee <sam@example.com>
// Exit status: 0 done, 1 failed (the reason is printed and reported), 2 key refused,
// 3 cancelled by a person.
"use strict";
const { io } = require("socket.io-client");
const Y = require("yjs");
const { randomUUID } = require("crypto");

function parseArgs(argv) {
  const options = { stepDelay: 800 };
  const rest = [];
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === "--server") options.server = argv[++i];
    else if (argv[i] === "--key") options.key = argv[++i];
    else if (argv[i] === "--step-delay") options.stepDelay = Number(argv[++i]);
    else rest.push(argv[i]);
  }
  options.sentence = rest.join(" ");
  return options;
}

// "Open escrow N for ADDRESS at $PRICE, buyer NAME <EMAIL>, seller NAME <EMAIL>"
function parseSentence(sentence) {
  const match = sentence.match(
    /escrow\s+(\S+)\s+for\s+(.+?)\s+at\s+\$?([\d,.]+)\s*,\s*buyer\s+([^<,]+?)\s*(?:<([^>]+)>)?\s*,\s*seller\s+([^<,]+?)\s*(?:<([^>]+)>)?\s*\.?$/i);
  if (!match) return null;
  return {
    number: match[1],
    address: match[2].trim(),
    price: Number(match[3].replace(/,/g, "")),
    buyer: { name: match[4].trim(), email: match[5] },
    seller: { name: match[6].trim(), email: match[7] },
  };
}

function log(line) {
  process.stderr.write(`escrow-agent: ${line}\n`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.server || !options.key || !options.sentence) {
    log('usage: escrow-agent.js --server URL --key KEY "Open escrow ... buyer ..., seller ..."');
    return 1;
  }
  const plan = parseSentence(options.sentence);

  const session = await fetch(new URL("/api/agent/session", options.server), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ key: options.key }),
  });
  if (!session.ok) {
    log(`the server refused the agent key (${session.status})`);
    return 2;
  }
  const { accessToken, user } = await session.json();
  log(`acting for ${user.name} as "${user.agent}"`);

  const socket = io(options.server, {
    transports: ["websocket"],
    auth: { token: accessToken, clientId: `agent-${randomUUID()}` },
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (err) => reject(new Error(`connect: ${err.message}`)));
  });

  let cancelled = false;
  let taskId = null;
  socket.on("ai:task:cancel", (request) => {
    if (request.id === taskId) {
      log("cancel requested: stopping after the current step");
      cancelled = true;
    }
  });
  const ask = (event, payload) => socket.timeout(10000).emitWithAck(event, payload);
  const report = (fields) => ask("task:report", { id: taskId, ...fields });

  const started = await ask("task:start", {
    kind: "agent",
    title: plan ? `Open escrow ${plan.number}` : "Open escrow from a sentence",
    shared: true,
  });
  if (started.status !== "ok") throw new Error(started.error.message);
  taskId = started.task.id;
  log(`task ${taskId}`);

  const finish = async (code, fields) => {
    await report(fields);
    socket.close();
    return code;
  };
  if (!plan)
    return finish(1, {
      status: "failed",
      error: "I could not read the sentence: say 'Open escrow N for ADDRESS at $PRICE, " +
        "buyer NAME <EMAIL>, seller NAME <EMAIL>'",
    });

  let mutationId = 0;
  const created = {};
  const create = async (module, fields) => {
    const id = randomUUID();
    const result = await ask("mutate", { module, op: "create", id, mutationId: ++mutationId, fields });
    if (result.status !== "applied")
      throw new Error(`${module}: ${result.error ? result.error.message : result.status}`);
    return id;
  };
  // The notes are a Yjs document shared with everyone who has them open (protocol.md 5.9): join
  // it, add a line at the end as a local edit, send that edit's update, and leave.
  const appendToNotes = async (module, id, line) => {
    const joined = await ask("note:join", { module, id, stateVector: "" });
    if (joined.status !== "ok") throw new Error(`notes: ${joined.error.message}`);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from(joined.update, "base64"), "server");
    const text = doc.getText("notes");
    let update = null;
    doc.on("update", (bytes, origin) => { if (origin !== "server") update = bytes; });
    const before = text.toString();
    text.insert(before.length, (before && !before.endsWith("\n") ? "\n" : "") + line);
    const stored = await ask("note:update", { module, id, update: Buffer.from(update).toString("base64") });
    await ask("note:leave", { module, id });
    if (stored.status !== "ok") throw new Error(`notes: ${stored.error.message}`);
  };
  const steps = [
    ["Adding the buyer as a client", async () => {
      created.buyerClientId = await create("clients", {
        name: plan.buyer.name, email: plan.buyer.email || null, kind: "buyer" });
    }],
    ["Adding the seller as a client", async () => {
      created.sellerClientId = await create("clients", {
        name: plan.seller.name, email: plan.seller.email || null, kind: "seller" });
    }],
    ["Creating the listing", async () => {
      created.listingId = await create("listings", {
        address: plan.address, listPrice: plan.price, status: "pending",
        sellerClientId: created.sellerClientId });
    }],
    ["Opening the escrow", async () => {
      created.escrowId = await create("escrows", {
        number: plan.number, propertyAddress: plan.address, purchasePrice: plan.price,
        status: "open", buyerClientId: created.buyerClientId,
        sellerClientId: created.sellerClientId, listingId: created.listingId });
    }],
    ["Writing a summary in the escrow's notes", async () => {
      await appendToNotes("escrows", created.escrowId,
        `Opened by ${user.agent} for ${user.name}: ${plan.address}, $${plan.price.toLocaleString("en-US")}, ` +
        `buyer ${plan.buyer.name}, seller ${plan.seller.name}.`);
    }],
  ];
  for (let i = 0; i < steps.length; ++i) {
    const [title, run] = steps[i];
    const answer = await report({ step: title, stepsDone: i, stepsTotal: steps.length });
    // Cooperative cancel: between steps, never half-way through one. The request comes as an
    // ai:task:cancel event, and every report's answer says so too.
    if (answer.status === "ok" && answer.task.cancelRequested) cancelled = true;
    if (cancelled)
      return finish(3, {
        status: "cancelled",
        step: `Stopped after ${i} of ${steps.length} steps`,
        result: created,
      });
    try {
      await run();
    } catch (error) {
      return finish(1, { status: "failed", error: error.message, result: created });
    }
    await new Promise((resolve) => setTimeout(resolve, options.stepDelay));
  }
  return finish(0, {
    status: "completed",
    step: `Escrow ${plan.number} opened for ${plan.address}`,
    stepsDone: steps.length,
    result: created,
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error.message);
    process.exit(1);
  });
