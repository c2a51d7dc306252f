// The stock npm `yjs` as a peer of our C++ CRDT: holds named Y.Doc documents and runs one
// command per line of JSON on stdin, answering one line of JSON on stdout:
//   {"cmd": "new", "doc": "a", "client": 7, "root": "notes", "undo": true} -> {"ok": true}
//   {"cmd": "insert", "doc": "a", "index": 0, "text": "hi"}            -> {"ok", "update"}
//   {"cmd": "delete", "doc": "a", "index": 0, "length": 1}             -> {"ok", "update"}
//   {"cmd": "format", "doc": "a", "index": 0, "length": 1, "attributes": {...}} -> {"ok", "update"}
//   {"cmd": "embed", "doc": "a", "index": 0, "value": {...}}           -> {"ok", "update"}
//   {"cmd": "apply", "doc": "a", "update": "<base64>"}                 -> {"ok": true}
//   {"cmd": "state", "doc": "a"} -> {"ok", "text", "stateVector", "full", "pending"}
//   {"cmd": "diff", "doc": "a", "stateVector": "<base64>"}             -> {"ok", "update"}
//   {"cmd": "awareness-set", "doc": "a", "state": {...} | null}       -> {"ok", "update"}
//   {"cmd": "awareness-apply", "doc": "a", "update": "<base64>"}       -> {"ok", "changed"}
//   {"cmd": "awareness-states", "doc": "a"}                            -> {"ok", "states"}
//   {"cmd": "relative", "doc": "a", "index": 3, "assoc": 0}           -> {"ok", "position"}
//   {"cmd": "absolute", "doc": "a", "position": {...}}                -> {"ok", "index"} (null: unknown)
//   {"cmd": "undo" | "redo", "doc": "a"}                               -> {"ok", "update"}
// (a document's awareness is y-protocols' Awareness over it, made with the document; with
// "undo", a Y.UndoManager tracks its own local edits, each one step: captureTimeout 0).
// Updates and state vectors are base64 of Yjs's v1 encoding. A command that throws answers
// {"ok": false, "error": message}.
'use strict';
const Y = require('yjs');
const awarenessProtocol = require('y-protocols/awareness');
const readline = require('readline');

const docs = new Map();
const bytes = (b64) => new Uint8Array(Buffer.from(b64 || '', 'base64'));
const b64 = (u8) => Buffer.from(u8).toString('base64');

function open(name) {
  const entry = docs.get(name);
  if (!entry) throw new Error(`no document ${name}`);
  return entry;
}

// Runs a local change and returns the update it produced (Yjs emits one per transaction).
function capture(entry, change) {
  let update = null;
  const listener = (u) => { update = u; };
  entry.doc.on('update', listener);
  try { change(); } finally { entry.doc.off('update', listener); }
  return update ? b64(update) : '';
}

const commands = {
  new(c) {
    const doc = new Y.Doc();
    if (c.client !== undefined) doc.clientID = c.client;
    docs.set(c.doc, {
      doc, text: doc.getText(c.root || 'notes'), awareness: new awarenessProtocol.Awareness(doc),
    });
    // Only when asked: an UndoManager keeps deleted content from collection, which changes
    // the bytes the document encodes.
    if (c.undo) docs.get(c.doc).undo = new Y.UndoManager(docs.get(c.doc).text, { captureTimeout: 0 });
    return {};
  },
  insert(c) { const e = open(c.doc); return { update: capture(e, () => e.text.insert(c.index, c.text)) }; },
  delete(c) { const e = open(c.doc); return { update: capture(e, () => e.text.delete(c.index, c.length)) }; },
  format(c) {
    const e = open(c.doc);
    return { update: capture(e, () => e.text.format(c.index, c.length, c.attributes)) };
  },
  embed(c) { const e = open(c.doc); return { update: capture(e, () => e.text.insertEmbed(c.index, c.value)) }; },
  // A peer's update has an origin of its own, as a provider gives it: an UndoManager tracks
  // only local edits (origin null).
  apply(c) { Y.applyUpdate(open(c.doc).doc, bytes(c.update), 'remote'); return {}; },
  state(c) {
    const { doc, text } = open(c.doc);
    return {
      text: text.toDelta().map((op) => (typeof op.insert === 'string' ? op.insert : '\ufffc')).join(''),
      stateVector: b64(Y.encodeStateVector(doc)),
      full: b64(Y.encodeStateAsUpdate(doc)),
      pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null,
    };
  },
  'awareness-set'(c) {
    const { awareness } = open(c.doc);
    awareness.setLocalState(c.state);
    return { update: b64(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])) };
  },
  'awareness-apply'(c) {
    const { awareness } = open(c.doc);
    let changed = null;
    const listener = (change) => { changed = change; };
    awareness.on('change', listener);
    awarenessProtocol.applyAwarenessUpdate(awareness, bytes(c.update), 'test');
    awareness.off('change', listener);
    return { changed };
  },
  'awareness-states'(c) {
    return { states: Object.fromEntries(open(c.doc).awareness.getStates()) };
  },
  relative(c) {
    const rpos = Y.createRelativePositionFromTypeIndex(open(c.doc).text, c.index, c.assoc || 0);
    return { position: Y.relativePositionToJSON(rpos) };
  },
  absolute(c) {
    const e = open(c.doc);
    const abs = Y.createAbsolutePositionFromRelativePosition(
      Y.createRelativePositionFromJSON(c.position), e.doc);
    return { index: abs ? abs.index : null };
  },
  undo(c) { const e = open(c.doc); return { update: capture(e, () => e.undo.undo()) }; },
  redo(c) { const e = open(c.doc); return { update: capture(e, () => e.undo.redo()) }; },
  diff(c) { return { update: b64(Y.encodeStateAsUpdate(open(c.doc).doc, bytes(c.stateVector))) }; },
};

const input = readline.createInterface({ input: process.stdin });
// Awareness keeps an interval timer; the peer ends when its input does.
input.on('close', () => process.exit(0));
input.on('line', (line) => {
  let answer;
  try {
    const c = JSON.parse(line);
    const run = commands[c.cmd];
    if (!run) throw new Error(`unknown command ${c.cmd}`);
    answer = { ok: true, ...run(c) };
  } catch (e) {
    answer = { ok: false, error: String(e && e.message || e) };
  }
  // U+FEFF escaped: Qt's JSON reader drops it at the start of a string.
  process.stdout.write(JSON.stringify(answer).replace(/\ufeff/g, '\\ufeff') + '\n');
});
