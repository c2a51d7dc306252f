#pragma once

namespace crm::mutationbatch {

// `mutate:batch` (docs/protocol.md 5.3): the most mutations one request may carry. Both ends
// read it from here: the client cuts its outbox into batches of at most this many, the server
// refuses a larger one.
inline constexpr int kMaxMutations = 100;
// The client also keeps a batch's JSON under this many bytes, well inside maxPayload.
inline constexpr int kMaxBytes = 256 * 1024;

} // namespace crm::mutationbatch
