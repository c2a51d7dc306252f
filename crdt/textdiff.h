#pragma once

#include "crdt/textchange.h"

namespace crm::crdt {

// The edits that turn `before` into `after`, line by line (a longest common subsequence of
// lines), each changed run of lines narrowed to the characters that differ: what an agent
// changed in an external editor becomes small edits where they typed, so a colleague's
// concurrent edit elsewhere, even in the same line, is kept rather than overwritten by a copy.
// Applied in order (applyChanges), they give `after`.
TextChanges lineChanges(const QString& before, const QString& after);

} // namespace crm::crdt
