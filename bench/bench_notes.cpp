// Collaborative notes, the CRDT alone: a note of about 200,000 characters built by 50,000
// edits (typing at a moving caret, jumps, deletions), then what an agent's machine pays for it:
// loading it from the local store, applying a colleague's keystroke, typing one, memory, and the
// bytes of each typed character's update. Prints figures beside the targets of issue 18.
//   bench_notes [--operations N]
#include "crdt/textdocument.h"
#include "processfigures.h"
#include "protocol/notemessages.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <random>

using namespace crm::crdt;

namespace {

double millisecondsSince(const QElapsedTimer& timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qsizetype at = args.indexOf(QStringLiteral("--operations"));
    const int operations = at > 0 && at + 1 < args.size() ? args[at + 1].toInt() : 50000;

    std::mt19937 rng(18);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    const QString alphabet = QStringLiteral("abcdefghij klmnopqrstuvwxyz éü.,\n");
    auto word = [&](int length) {
        QString text;
        for (int i = 0; i < length; ++i)
            text += alphabet[pick(int(alphabet.size()))];
        return text;
    };

    // Two writers take turns in stretches; a reader applies every update as it comes.
    TextDocument alex(101);
    TextDocument priya(202);
    TextDocument reader(303);
    std::vector<double> applyMs;
    std::vector<double> localMs;
    qint64 updateBytes = 0;
    qsizetype caret = 0;
    QElapsedTimer total;
    total.start();
    for (int op = 0; op < operations; ++op) {
        TextDocument& writer = (op / 500) % 2 == 0 ? alex : priya;
        TextDocument& other = &writer == &alex ? priya : alex;
        const auto size = writer.text().size();
        if (pick(20) == 0)
            caret = pick(int(size) + 1); // a jump elsewhere in the note
        caret = std::min(caret, size);
        QElapsedTimer local;
        local.start();
        QByteArray update;
        if (pick(10) == 0 && size > 0) {
            const int length = 1 + pick(10);
            const qsizetype from = std::max<qsizetype>(0, caret - length);
            update = writer.remove(from, caret - from);
            caret = from;
        } else {
            const QString text = word(1 + pick(9));
            update = writer.insert(caret, text);
            caret += text.size();
        }
        localMs.push_back(millisecondsSince(local));
        updateBytes += update.size();
        QElapsedTimer remote;
        remote.start();
        reader.apply(update);
        applyMs.push_back(millisecondsSince(remote));
        other.apply(update);
    }
    const double buildSeconds = double(total.elapsed()) / 1000.0;
    const QByteArray full = reader.encodeStateAsUpdate();

    // Loading from the local store: the encoded state into a fresh document.
    std::vector<double> loadMs;
    for (int i = 0; i < 5; ++i) {
        TextDocument loaded(404);
        QElapsedTimer load;
        load.start();
        loaded.apply(full);
        loadMs.push_back(millisecondsSince(load));
    }
    // Memory: several loaded copies, resident growth per copy.
    const double before = crm::bench::residentMegabytesOf(QCoreApplication::applicationPid());
    std::vector<std::unique_ptr<TextDocument>> copies;
    for (int i = 0; i < 5; ++i) {
        copies.push_back(std::make_unique<TextDocument>(quint64(500 + i)));
        copies.back()->apply(full);
    }
    const double perCopy =
        (crm::bench::residentMegabytesOf(QCoreApplication::applicationPid()) - before) / 5.0;

    // A colleague's keystrokes into the loaded note, and one's own, at random places.
    TextDocument& note = *copies.front();
    TextDocument colleague(606);
    colleague.apply(full);
    std::vector<double> keystrokeApplyMs;
    std::vector<double> keystrokeLocalMs;
    qint64 typedBytes = 0;
    qint64 wireBytes = 0; // each update as a client sends it: a note:update with an ack
    const int keystrokes = 2000;
    qsizetype typingAt = colleague.text().size() / 3;
    for (int i = 0; i < keystrokes; ++i) {
        if (i % 200 == 0)
            typingAt = pick(int(colleague.text().size()));
        QElapsedTimer local;
        local.start();
        const QByteArray update = colleague.insert(typingAt++, QString(alphabet[pick(26)]));
        keystrokeLocalMs.push_back(millisecondsSince(local));
        typedBytes += update.size();
        const QByteArray frame =
            "42" + QByteArray::number(i + 1) + "[\"note:update\"," +
            QJsonDocument(crm::NoteUpdate{{QStringLiteral("escrows"),
                                           QStringLiteral("1c6a2f0e-5b7d-4a8e-9f3b-2d4c6e8a0b1c")},
                                          update}
                              .toJson())
                .toJson(QJsonDocument::Compact) +
            "]";
        // A client's WebSocket frame: 2 header bytes (4 from 126 bytes on) and a 4-byte mask.
        wireBytes += frame.size() + (frame.size() < 126 ? 6 : 8);
        QElapsedTimer remote;
        remote.start();
        note.apply(update);
        keystrokeApplyMs.push_back(millisecondsSince(remote));
    }
    const bool equal = note.text() == colleague.text();

    using crm::bench::percentile;
    printf("note: %d edits by two writers -> %lld characters, %llu runs, state %lld bytes "
           "(built in %.1f s)\n",
           operations, qlonglong(reader.text().size()), qulonglong(reader.structCount()),
           qlonglong(full.size()), buildSeconds);
    printf("  updates while building: %.1f bytes each on average\n",
           double(updateBytes) / operations);
    printf("  apply a remote edit while building: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
           percentile(applyMs, 0.5), percentile(applyMs, 0.99), percentile(applyMs, 1.0));
    printf("  make a local edit while building:   p50 %.3f ms, p99 %.3f ms\n",
           percentile(localMs, 0.5), percentile(localMs, 0.99));
    printf("load the note from its stored state: median %.1f ms (target under 100 ms)\n",
           percentile(loadMs, 0.5));
    printf("memory per loaded note: %.1f MB resident\n", perCopy);
    printf("a colleague's keystroke into the loaded note: p50 %.3f ms, p99 %.3f ms "
           "(apply, with its change list)\n",
           percentile(keystrokeApplyMs, 0.5), percentile(keystrokeApplyMs, 0.99));
    printf("one's own keystroke: p50 %.3f ms, p99 %.3f ms\n", percentile(keystrokeLocalMs, 0.5),
           percentile(keystrokeLocalMs, 0.99));
    printf("bytes per typed character: update %.1f, on the wire %.1f as note:update with its "
           "ack (target under 40)\n",
           double(typedBytes) / keystrokes, double(wireBytes) / keystrokes);
    printf("documents equal after typing: %s\n", equal ? "yes" : "NO");
    return equal ? 0 : 1;
}
