// Follows one task's Server-Sent Events (GET /api/tasks/<id>/events) with the stock npm
// `eventsource` client, as a web tool would, until a final event (completed, failed,
// cancelled), a refusal, or the time limit; then prints one JSON object:
//   {"events": [{"type", "id", "data"}...], "error": null | {"status", "message"}}
// Usage: node sse-client.js URL TOKEN [LAST_EVENT_ID] [SECONDS]
'use strict';
const EventSource = require('eventsource');

const [url, token, lastEventId, seconds] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${token}` };
if (lastEventId) headers['Last-Event-ID'] = lastEventId;
const source = new EventSource(url, { headers });
const events = [];
let error = null;

let finished = false; // later events (a timer, a close) must not print a second result
function finish(code) {
  if (finished) return;
  finished = true;
  source.close();
  // A pipe's write can be partly queued when the reader is busy: exit once it is all out.
  process.stdout.write(JSON.stringify({ events, error }) + '\n', () => process.exit(code));
}

for (const type of ['progress', 'completed', 'failed', 'cancelled']) {
  source.addEventListener(type, (event) => {
    events.push({ type, id: event.lastEventId, data: JSON.parse(event.data) });
    if (type !== 'progress') finish(0);
  });
}
source.onerror = (event) => {
  // A refusal (401, 404) carries its status; a closed stream without one is reconnected by
  // the client itself, as EventSource does.
  if (event && event.status) {
    error = { status: event.status, message: event.message || null };
    finish(2);
  }
};
setTimeout(() => {
  error = { status: null, message: 'timed out' };
  finish(3);
}, (Number(seconds) || 15) * 1000);
