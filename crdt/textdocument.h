#pragma once

#include "crdt/deleteset.h"
#include "crdt/structstore.h"
#include "crdt/textchange.h"
#include "crdt/updatedecoding.h"

#include <variant>

namespace crm::crdt {

// A Yjs document holding one root Y.Text: what every peer of a note (crm-desktop, crm-server,
// a web editor on the npm `yjs`) keeps and exchanges. Local edits return the v1 update to send;
// remote updates apply in any order, any number of times, and every document that has seen the
// same updates shows the same text and the same state vector.
//
// Positions are UTF-16 units, as QString and JavaScript index. Updates that need history not
// yet here wait (apply's Missing::Wait) until it arrives; a server refuses them instead
// (Missing::Refuse) and the sender sends what it lacks.
class TextDocument
{
public:
    enum class Missing
    {
        Wait,   // keep what cannot be placed yet; place it when its causes arrive
        Refuse, // refuse the whole update, applying nothing
    };

    explicit TextDocument(quint64 clientId, QString rootName = QStringLiteral("notes"));
    // A random 32-bit client id, as Yjs picks one.
    explicit TextDocument(QString rootName = QStringLiteral("notes"));
    TextDocument(const TextDocument&) = delete;
    TextDocument& operator=(const TextDocument&) = delete;

    quint64 clientId() const { return m_client; }
    const QString& rootName() const { return m_root; }
    const QString& text() const { return m_text; }

    // Local edits: each is one transaction and returns its update (empty when nothing changed).
    // The index is clamped to the text; an unpaired surrogate in `text` becomes U+FFFD.
    QByteArray insert(qsizetype index, QStringView text);
    QByteArray remove(qsizetype index, qsizetype length);
    // Replaces [index, index + length) with `text` in one transaction.
    QByteArray replace(qsizetype index, qsizetype length, QStringView text);

    // A remote update: the changes it made to the text, or why it was refused (then nothing of
    // it was applied).
    std::variant<TextChanges, UpdateError> apply(QByteArrayView update,
                                                 Missing missing = Missing::Wait);

    StateVector stateVector() const { return m_store.stateVector(); }
    // Everything this document holds that a peer at `since` lacks (all of it for an empty
    // vector), with the whole delete set: Yjs's encodeStateAsUpdate.
    QByteArray encodeStateAsUpdate(const StateVector& since = {}) const;
    // What waits for its causes, as one update (empty when nothing waits): stored beside the
    // state so that nothing received is lost across a restart.
    QByteArray pendingUpdate() const;
    bool hasPending() const { return !m_pending.empty() || !m_pendingDeletes.isEmpty(); }
    // Whether the character at `id` (or the run holding it) is deleted or unknown.
    bool isDeleted(YId id) const;
    // The position of the character `id` in the text now, or of the next visible one after it
    // when it is deleted (the text's length when none): how a caret anchored to a character
    // finds its place after others' edits.
    qsizetype positionOf(YId id) const;
    // The id of the character at `position` (nullopt at the end of the text).
    std::optional<YId> idAt(qsizetype position) const;

    // The ids of the visible characters in [index, index + length), in text order.
    std::vector<IdRange> idRanges(qsizetype index, qsizetype length) const;
    // Where the still visible characters of these ranges stand now: (position, length) pairs in
    // ascending order, neighbours joined.
    std::vector<std::pair<qsizetype, qsizetype>>
    positionsOf(const std::vector<IdRange>& ranges) const;

    quint64 structCount() const { return m_store.structCount(); }

private:
    struct Transaction
    {
        StateVector before;
        DeleteSet deletes;
        std::vector<TextItem*> touched; // marked or cut: marks to clear, joins to try
        TextChanges changes;
        bool local = true;
    };

    struct Position
    {
        TextItem* left = nullptr;
        TextItem* right = nullptr;
    };

    Position positionAt(qsizetype index, Transaction& txn);
    void insertAt(qsizetype index, const QString& text, Transaction& txn);
    void removeAt(qsizetype index, qsizetype length, Transaction& txn);
    void deleteItem(TextItem* item, Transaction& txn);
    QByteArray commit(Transaction& txn);
    void link(TextItem* item);
    TextChanges changesOf() const;
    void collectGarbage(const Transaction& txn);
    void joinRuns(const Transaction& txn);
    void writeStructs(class BinaryWriter& out, quint64 client, quint64 from) const;
    void writeStruct(class BinaryWriter& out, const TextItem& item, quint64 offset) const;
    DeleteSet deleteSetOfStore() const;

    // textintegration.cpp: remote updates.
    // Strict mode: why the update cannot be applied whole, before anything is.
    std::optional<UpdateError> refusalOf(const DecodedUpdate& update) const;
    QString misplacedOrigins(const DecodedUpdate& update, const StateVector& held) const;
    void addToPending(DecodedUpdate& update);
    void integratePending(Transaction& txn);
    bool causesHeld(const TextItem& item) const;
    void integrate(TextItem item, Transaction& txn);
    TextItem* resolveConflicts(TextItem& item);
    bool isRightOf(const TextItem* right, const TextItem* left) const;
    void applyPendingDeletes(Transaction& txn);

    quint64 m_client;
    QString m_root;
    StructStore m_store;
    TextItem* m_start = nullptr;
    QString m_text;
    std::map<quint64, std::map<quint64, TextItem>> m_pending;
    DeleteSet m_pendingDeletes;
};

} // namespace crm::crdt
