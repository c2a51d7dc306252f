#include "app/notecommands.h"

#include "app/clirest.h"
#include "crdt/textdiff.h"
#include "crdt/textdocument.h"
#include "protocol/notemessages.h"

#include <cstdio>
#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

namespace crm {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-cli", text);
}

int usage()
{
    std::fprintf(stderr, "%s\n",
                 qPrintable(tr("usage: crm-cli note get MODULE ID | note append MODULE ID TEXT | "
                               "note edit MODULE ID")));
    return 1;
}

int fail(int status, const QString& message)
{
    std::fprintf(stderr, "crm-cli: %s\n", qPrintable(message));
    return status;
}

QString pathOf(const NoteRef& note)
{
    return QStringLiteral("/api/notes/%1/%2").arg(note.module, note.id);
}

// Loads the note's whole state into `doc`; 0, or the exit status.
int load(RestClient& rest, const NoteRef& note, crdt::TextDocument& doc)
{
    const RestReply reply = callRest(rest, "GET", pathOf(note));
    if (!reply.ok())
        return restFailure(reply);
    const auto state = QByteArray::fromBase64Encoding(
        reply.body.toObject().value(QStringLiteral("update")).toString().toLatin1(),
        QByteArray::AbortOnBase64DecodingErrors);
    if (!state)
        return fail(6, tr("the server's note is not base64"));
    const auto applied = doc.apply(*state);
    if (const auto* error = std::get_if<crdt::UpdateError>(&applied))
        return fail(6, tr("the server's note cannot be read: %1").arg(error->message));
    return 0;
}

int send(RestClient& rest, const NoteRef& note, const QByteArray& update)
{
    if (update.isEmpty())
        return 0;
    const RestReply reply = callRest(rest, "POST", pathOf(note), NoteUpdate{note, update}.toJson());
    return reply.ok() ? 0 : restFailure(reply);
}

// Runs $VISUAL or $EDITOR (vi when neither is set) on the file, as git does: through the
// shell, so the variable may carry arguments.
bool runEditor(const QString& file, QString* error)
{
    QString editor = qEnvironmentVariable("VISUAL");
    if (editor.isEmpty())
        editor = qEnvironmentVariable("EDITOR", QStringLiteral("vi"));
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.setInputChannelMode(QProcess::ForwardedInputChannel);
    process.start(
        QStringLiteral("/bin/sh"),
        {QStringLiteral("-c"), editor + QStringLiteral(" \"$1\""), QStringLiteral("sh"), file});
    if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        *error = tr("the editor (%1) did not end well; nothing was sent").arg(editor);
        return false;
    }
    return true;
}

} // namespace

int runNoteCommand(const QStringList& args, const CliOptions& options)
{
    const QString verb = args.value(1);
    const bool withText = verb == QStringLiteral("append");
    if (args.size() != (withText ? 5 : 4) ||
        !(verb == QStringLiteral("get") || withText || verb == QStringLiteral("edit")))
        return usage();
    const NoteRef note{args.at(2), args.at(3)};
    RestClient rest;
    if (const int status = signInRest(options, rest); status != 0)
        return status;

    crdt::TextDocument doc;
    if (const int status = load(rest, note, doc); status != 0)
        return status;
    if (verb == QStringLiteral("get")) {
        std::fputs(doc.text().toUtf8().constData(), stdout);
        if (!doc.text().isEmpty() && !doc.text().endsWith(u'\n'))
            std::fputc('\n', stdout);
        return 0;
    }
    if (withText) {
        // A line of its own at the end, as an agent's summary is.
        const QString separator =
            doc.text().isEmpty() || doc.text().endsWith(u'\n') ? QString() : QStringLiteral("\n");
        QString line = args.at(4);
        if (line == QStringLiteral("-")) { // from stdin: an agent's summary piped in
            QFile in;
            if (!in.open(stdin, QIODevice::ReadOnly))
                return fail(5, tr("cannot read the text from standard input"));
            line = QString::fromUtf8(in.readAll());
            line.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
            if (line.endsWith(u'\n'))
                line.chop(1);
        }
        if (line.isEmpty())
            return fail(1, tr("note append: nothing to add"));
        return send(rest, note, doc.insert(doc.text().size(), separator + line));
    }

    QTemporaryDir dir;
    const QString path = dir.filePath(note.module + u'-' + note.id + QStringLiteral(".md"));
    QFile file(path);
    if (!dir.isValid() || !file.open(QIODevice::WriteOnly) || file.write(doc.text().toUtf8()) < 0 ||
        !file.flush())
        return fail(5, tr("cannot write %1").arg(path));
    file.close();
    QString error;
    if (!runEditor(path, &error))
        return fail(1, error);
    if (!file.open(QIODevice::ReadOnly))
        return fail(5, tr("cannot read %1 back").arg(path));
    QString edited = QString::fromUtf8(file.readAll());
    // Lines end in '\n' in a note, whatever the editor wrote; and the newline editors add at the
    // end of a file is not an edit.
    edited.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    if (!doc.text().endsWith(u'\n') && edited.endsWith(u'\n'))
        edited.chop(1);
    const crdt::StateVector before = doc.stateVector();
    const crdt::TextChanges changes = crdt::lineChanges(doc.text(), edited);
    if (changes.empty()) {
        std::fprintf(stderr, "%s\n", qPrintable(tr("no change")));
        return 0;
    }
    for (const crdt::TextChange& change : changes)
        doc.replace(change.position, change.removed, change.inserted);
    return send(rest, note, doc.encodeStateAsUpdate(before));
}

} // namespace crm
