#pragma once

#include "crdt/yid.h"

#include <QJsonObject>
#include <QProcess>

namespace crm::test {

// The stock npm `yjs` (tests/interop/yjs-peer.js) as a peer in a test: named Y.Doc documents
// driven one command at a time; updates and state vectors cross as bytes.
class YjsPeer
{
public:
    YjsPeer();
    ~YjsPeer();

    // Why the peer cannot run (node or the npm packages missing), or empty when it can.
    static QString unavailableReason();
    bool started() const { return m_process.state() == QProcess::Running; }

    // `undo`: with a Y.UndoManager of its own edits (see undo()).
    void newDoc(const QString& doc, quint64 client, const QString& root = QStringLiteral("notes"),
                bool undo = false);
    QByteArray insert(const QString& doc, qsizetype index, const QString& text);
    QByteArray remove(const QString& doc, qsizetype index, qsizetype length);
    QByteArray format(const QString& doc, qsizetype index, qsizetype length,
                      const QJsonObject& attributes);
    QByteArray embed(const QString& doc, qsizetype index, const QJsonObject& value);
    // Applies an update; false (and the reason in lastError()) when yjs threw.
    bool apply(const QString& doc, const QByteArray& update);

    struct State
    {
        QString text; // embeds as U+FFFC, as TextDocument shows them
        QByteArray stateVector;
        QByteArray full;
        bool pending = false;
    };
    State state(const QString& doc);
    QByteArray diff(const QString& doc, const QByteArray& stateVector);
    // y-protocols' Awareness of a document: set the local state (null leaves) and get the
    // update; apply a peer's update and get the "change" event ({added, updated, removed}, or
    // null when nothing changed); the states by client id.
    QByteArray awarenessSet(const QString& doc, const QJsonValue& state);
    QJsonValue awarenessApply(const QString& doc, const QByteArray& update);
    QJsonObject awarenessStates(const QString& doc);
    // Yjs's relative position (as JSON) of an index, and the index a position resolves to now
    // (-1: a character the document has not seen).
    QJsonObject relativePosition(const QString& doc, qsizetype index, int assoc);
    qsizetype absolutePosition(const QString& doc, const QJsonObject& position);
    // The document's Y.UndoManager (its own edits, one step each): the update it made.
    QByteArray undo(const QString& doc);
    QByteArray redo(const QString& doc);
    const QString& lastError() const { return m_lastError; }

private:
    QJsonObject run(const QJsonObject& command);

    QProcess m_process;
    QString m_lastError;
};

} // namespace crm::test
