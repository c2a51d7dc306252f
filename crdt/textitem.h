#pragma once

#include "crdt/yid.h"

#include <QString>

namespace crm::crdt {

// The struct kinds of Yjs's v1 encoding that a text holds; the number is the wire's (the low
// five bits of a struct's info byte). Others (JSON, binary, nested types, sub-documents) belong
// to maps and arrays, not to a note, and are refused.
enum class ContentKind : quint8
{
    Gc = 0,      // history no longer kept: a range of clocks with no place in the text
    Deleted = 1, // a deleted run whose characters are gone; keeps its place
    String = 4,  // characters (UTF-16 units, as JavaScript strings count them)
    Embed = 5,   // one embedded object (JSON); counts as one position, shown as U+FFFC
    Format = 6,  // a formatting mark (key, JSON value); takes a clock, not a position
};

// One run of a text's sequence: consecutive clocks of one client, inserted together. Items form
// the document's order through left/right; origin and rightOrigin are the neighbours the item
// was inserted between, which is what lets every peer order concurrent inserts the same way.
struct TextItem
{
    // What the current transaction did to the item: what its change list and event are made of.
    enum Mark : quint8
    {
        Unmarked = 0,
        InsertedNow = 1,
        DeletedNow = 2,
    };

    YId id;
    quint64 length = 0;
    YId origin;
    YId rightOrigin;
    bool hasOrigin = false;
    bool hasRightOrigin = false;
    ContentKind kind = ContentKind::String;
    bool deleted = false;
    quint8 marks = Unmarked;
    TextItem* left = nullptr;
    TextItem* right = nullptr;
    QString text;  // String: the characters; Embed: the JSON; Format: the key
    QString value; // Format: the JSON value

    bool isGc() const { return kind == ContentKind::Gc; }
    // Takes positions in the text (Yjs's "countable").
    bool countable() const { return kind == ContentKind::String || kind == ContentKind::Embed; }
    bool visible() const { return countable() && !deleted; }
    YId lastId() const { return {id.client, id.clock + length - 1}; }
    quint64 end() const { return id.clock + length; }
    // What the item shows in the text (U+FFFC for an embed).
    QString shown() const;

    // Cuts the item at `offset` (0 < offset < length): this keeps [0, offset), the returned item
    // (not yet linked anywhere) the rest. A surrogate pair cut in two becomes two U+FFFD, as in
    // Yjs; *replacedPair tells the caller the visible text changed.
    TextItem splitOff(quint64 offset, bool* replacedPair);
    // Drops the first `offset` clocks (a struct that arrived partly known).
    void dropFront(quint64 offset);
    // Forgets a deleted item's content, keeping its place (Yjs's garbage collection).
    void forgetContent();
    // Joins `next` (same client, next clocks, same state) onto this one: Yjs's mergeWith rules.
    bool canAbsorb(const TextItem& next) const;
    void absorb(const TextItem& next);
};

} // namespace crm::crdt
