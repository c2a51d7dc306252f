// libFuzzer target: any bytes a peer could send as a note update go to a document that already
// holds text, once as a client applies them (waiting for missing causes) and once as the server
// does (refusing them). They must never crash; a refused update leaves the document as it was;
// an accepted one leaves a document whose whole state, encoded and applied to a fresh document,
// gives the same text and state vector.
#include "crdt/textdocument.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace crm::crdt;

namespace {

void require(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

// A document with history from two clients, deletions and a surrogate pair.
void seed(TextDocument& doc)
{
    TextDocument other(7);
    doc.apply(other.insert(0, u"Inspection 😀 late"));
    doc.insert(3, u"abc");
    doc.remove(1, 2);
    doc.apply(other.remove(0, 4));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    for (const auto missing : {TextDocument::Missing::Wait, TextDocument::Missing::Refuse}) {
        TextDocument doc(3);
        seed(doc);
        const QString text = doc.text();
        const StateVector vector = doc.stateVector();
        const QByteArray full = doc.encodeStateAsUpdate();
        auto result = doc.apply(bytes, missing);
        if (std::holds_alternative<UpdateError>(result)) {
            require(doc.text() == text && doc.stateVector() == vector &&
                        doc.encodeStateAsUpdate() == full && !doc.hasPending(),
                    "a refused update changed the document");
            continue;
        }
        QString shadow = text;
        applyChanges(shadow, std::get<TextChanges>(result));
        require(shadow == doc.text(), "the change list does not give the text");
        TextDocument copy(4);
        require(std::holds_alternative<TextChanges>(copy.apply(doc.encodeStateAsUpdate())),
                "the whole state is refused by a fresh document");
        const QByteArray waiting = doc.pendingUpdate();
        if (!waiting.isEmpty())
            require(std::holds_alternative<TextChanges>(copy.apply(waiting)),
                    "what waits is refused by a fresh document");
        require(copy.text() == doc.text() && copy.stateVector() == doc.stateVector(),
                "the whole state does not give the same text and state vector");
        // Local edits still work on whatever the update left.
        doc.insert(doc.text().size() / 2, u"x");
        doc.remove(0, 1);
    }
    return 0;
}
