// Our text CRDT against the stock npm `yjs` (tests/interop/yjs-peer.js): updates and state
// vectors cross both ways byte for byte, and a seeded random run of four C++ and two yjs
// documents, with updates late, repeated, reordered and peers offline, ends with every
// document equal.
#include "crdt/awareness.h"
#include "crdt/relativeposition.h"
#include "crdt/textdocument.h"
#include "crdt/textundomanager.h"
#include "support/catchqt.h"
#include "support/yjspeer.h"

#include <catch2/catch.hpp>
#include <QJsonArray>
#include <QJsonObject>
#include <random>

using namespace crm::crdt;
using crm::test::YjsPeer;

namespace {

void applyOk(TextDocument& doc, const QByteArray& update)
{
    auto result = doc.apply(update);
    if (auto* error = std::get_if<UpdateError>(&result))
        FAIL(error->message.toStdString());
}

#define REQUIRE_YJS(peer)                                                                          \
    do {                                                                                           \
        if (const QString why = YjsPeer::unavailableReason(); !why.isEmpty())                      \
            FAIL(why.toStdString());                                                               \
        REQUIRE((peer).started());                                                                 \
    } while (false)

} // namespace

TEST_CASE("yjs interop: our updates apply in yjs and yjs's in ours, with the same text and state "
          "vector",
          "[crdt][interop]")
{
    YjsPeer yjs;
    REQUIRE_YJS(yjs);
    yjs.newDoc(QStringLiteral("js"), 1000);
    TextDocument ours(2000);

    auto toYjs = [&](const QByteArray& update) {
        REQUIRE(yjs.apply(QStringLiteral("js"), update));
    };
    auto same = [&] {
        const YjsPeer::State state = yjs.state(QStringLiteral("js"));
        CHECK(state.text == ours.text());
        CHECK(state.stateVector == encodeStateVector(ours.stateVector()));
        CHECK_FALSE(state.pending);
        CHECK_FALSE(ours.hasPending());
    };
    toYjs(ours.insert(0, u"Buyer promised the deposit by Friday."));
    same();
    applyOk(ours, yjs.insert(QStringLiteral("js"), 6, QStringLiteral("(Priya) ")));
    same();
    toYjs(ours.remove(14, 9));
    applyOk(ours, yjs.remove(QStringLiteral("js"), 0, 6));
    same();
    // Emoji, accents and a pair cut in two by a JavaScript index.
    toYjs(ours.insert(0, u"Ça va 👍 "));
    applyOk(ours, yjs.insert(QStringLiteral("js"), 7, QStringLiteral("x")));
    same();
    CHECK(ours.text().contains(QChar::ReplacementCharacter));
    // A leading U+FEFF is a character to both (not a byte-order mark to drop).
    toYjs(ours.insert(0, u"\uFEFF"));
    applyOk(ours, yjs.insert(QStringLiteral("js"), 0, QStringLiteral("\uFEFFz")));
    same();

    SECTION("concurrent inserts at one place, each side's client id lower in turn")
    {
        for (quint64 jsClient : {quint64(1), quint64(5000)}) {
            const QString name = QStringLiteral("c%1").arg(jsClient);
            yjs.newDoc(name, jsClient);
            REQUIRE(yjs.apply(name, ours.encodeStateAsUpdate()));
            const QByteArray mine = ours.insert(3, u"[ours]");
            const QByteArray theirs = yjs.insert(name, 3, QStringLiteral("[theirs]"));
            applyOk(ours, theirs);
            REQUIRE(yjs.apply(name, mine));
            const YjsPeer::State after = yjs.state(name);
            CHECK(after.text == ours.text());
            CHECK(after.stateVector == encodeStateVector(ours.stateVector()));
            const bool oursFirst =
                ours.text().indexOf(u"[ours]") < ours.text().indexOf(u"[theirs]");
            CHECK(oursFirst == (ours.clientId() < jsClient));
        }
    }
    SECTION("whole states and diffs against a state vector, both ways")
    {
        const YjsPeer::State state = yjs.state(QStringLiteral("js"));
        TextDocument fresh(3000);
        applyOk(fresh, state.full);
        CHECK(fresh.text() == state.text);
        // The same history encodes to the same bytes as yjs writes it.
        CHECK(fresh.encodeStateAsUpdate().toHex() == state.full.toHex());
        CHECK(ours.encodeStateAsUpdate().toHex() == state.full.toHex());
        yjs.newDoc(QStringLiteral("late"), 4000);
        REQUIRE(yjs.apply(QStringLiteral("late"), ours.encodeStateAsUpdate()));
        CHECK(yjs.state(QStringLiteral("late")).text == ours.text());
        const QByteArray before = encodeStateVector(ours.stateVector());
        applyOk(ours, yjs.insert(QStringLiteral("js"), 0, QStringLiteral(">> ")));
        const QByteArray diff = yjs.diff(QStringLiteral("late"), before);
        CHECK(diff.size() < state.full.size());
        TextDocument other(5000);
        applyOk(other, yjs.diff(QStringLiteral("js"), encodeStateVector({})));
        CHECK(other.text() == ours.text());
        REQUIRE(yjs.apply(QStringLiteral("late"),
                          ours.encodeStateAsUpdate(
                              *decodeStateVector(yjs.state(QStringLiteral("late")).stateVector))));
        CHECK(yjs.state(QStringLiteral("late")).text == ours.text());
    }
    SECTION("formatting marks and embeds from a web editor are kept and passed on")
    {
        applyOk(ours, yjs.format(QStringLiteral("js"), 0, 4, {{QStringLiteral("bold"), true}}));
        applyOk(ours, yjs.embed(QStringLiteral("js"), 2,
                                {{QStringLiteral("image"), QStringLiteral("a.png")}}));
        same();
        toYjs(ours.insert(1, u"-"));
        same();
        yjs.newDoc(QStringLiteral("copy"), 6000);
        REQUIRE(yjs.apply(QStringLiteral("copy"), ours.encodeStateAsUpdate()));
        CHECK(yjs.state(QStringLiteral("copy")).full == yjs.state(QStringLiteral("js")).full);
    }
}

TEST_CASE("yjs interop: four C++ and two yjs documents, random edits delivered late, twice and "
          "out of order, converge",
          "[crdt][interop][convergence]")
{
    YjsPeer yjs;
    REQUIRE_YJS(yjs);
    const unsigned seed = qEnvironmentVariableIsSet("CRM_CRDT_SEED")
                              ? qEnvironmentVariableIntValue("CRM_CRDT_SEED")
                              : 20261203u;
    INFO("seed " << seed << " (CRM_CRDT_SEED reproduces a run)");
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };

    constexpr int kOurs = 4;
    constexpr int kTheirs = 2;
    constexpr int kPeers = kOurs + kTheirs;
    std::vector<std::unique_ptr<TextDocument>> ours;
    std::vector<QString> shadows(kOurs); // each C++ document's text as its change lists built it
    for (int i = 0; i < kOurs; ++i)
        ours.push_back(std::make_unique<TextDocument>(quint64(100 + i * 7)));
    for (int j = 0; j < kTheirs; ++j)
        yjs.newDoc(QStringLiteral("js%1").arg(j), quint64(103 + j * 7));

    std::vector<QByteArray> log;                    // every update ever made
    std::vector<std::vector<size_t>> inbox(kPeers); // indexes into log, not yet delivered
    std::vector<bool> offline(kPeers, false);
    auto textOf = [&](int peer) {
        return peer < kOurs ? ours[size_t(peer)]->text()
                            : yjs.state(QStringLiteral("js%1").arg(peer - kOurs)).text;
    };
    auto deliver = [&](int peer, size_t index) {
        if (peer < kOurs) {
            auto result = ours[size_t(peer)]->apply(log[index]);
            REQUIRE(std::holds_alternative<TextChanges>(result));
            applyChanges(shadows[size_t(peer)], std::get<TextChanges>(result));
        } else {
            REQUIRE(yjs.apply(QStringLiteral("js%1").arg(peer - kOurs), log[index]));
        }
    };
    const QStringList samples = {QStringLiteral("a"),       QStringLiteral("deal "),
                                 QStringLiteral("é"),       QStringLiteral("😀"),
                                 QStringLiteral("Ünïcødé"), QStringLiteral("\n- item"),
                                 QStringLiteral("**b**"),   QStringLiteral("家")};
    constexpr int kOperations = 3000;
    int yjsOperations = 0;
    for (int op = 0; op < kOperations; ++op) {
        const int peer = pick(kPeers);
        if (pick(50) == 0)
            offline[size_t(peer)] = !offline[size_t(peer)];
        // A local edit, against the peer's own view.
        const QString text = textOf(peer);
        QByteArray update;
        if (text.isEmpty() || pick(3) != 0) {
            const int at = pick(int(text.size()) + 1);
            const QString what = samples[pick(int(samples.size()))];
            if (peer < kOurs) {
                update = ours[size_t(peer)]->insert(at, what);
                shadows[size_t(peer)] = ours[size_t(peer)]->text();
            } else {
                update = yjs.insert(QStringLiteral("js%1").arg(peer - kOurs), at, what);
                ++yjsOperations;
            }
        } else {
            const int at = pick(int(text.size()));
            const int length = 1 + pick(std::min(8, int(text.size()) - at));
            if (peer < kOurs) {
                update = ours[size_t(peer)]->remove(at, length);
                shadows[size_t(peer)] = ours[size_t(peer)]->text();
            } else {
                update = yjs.remove(QStringLiteral("js%1").arg(peer - kOurs), at, length);
                ++yjsOperations;
            }
        }
        REQUIRE(!update.isEmpty());
        log.push_back(update);
        for (int other = 0; other < kPeers; ++other)
            if (other != peer)
                inbox[size_t(other)].push_back(log.size() - 1);
        // Some deliveries: in random order, sometimes twice, never to a peer offline.
        for (int k = pick(4); k > 0; --k) {
            const int to = pick(kPeers);
            auto& box = inbox[size_t(to)];
            if (offline[size_t(to)] || box.empty())
                continue;
            const size_t at = size_t(pick(int(box.size())));
            deliver(to, box[at]);
            if (pick(5) != 0)
                box.erase(box.begin() + qsizetype(at)); // else: delivered again later
        }
    }
    // Everyone back online; what is left arrives shuffled, plus old updates again.
    for (int peer = 0; peer < kPeers; ++peer) {
        auto& box = inbox[size_t(peer)];
        for (int k = 0; k < 20; ++k)
            box.push_back(size_t(pick(int(log.size()))));
        std::shuffle(box.begin(), box.end(), rng);
        for (size_t index : box)
            deliver(peer, index);
        box.clear();
    }
    const QString expected = ours[0]->text();
    const QByteArray vector = encodeStateVector(ours[0]->stateVector());
    CHECK(expected.size() > 100);
    CHECK(yjsOperations > kOperations / 6);
    for (int peer = 0; peer < kPeers; ++peer) {
        INFO("peer " << peer);
        CHECK(textOf(peer) == expected);
        if (peer < kOurs) {
            CHECK(shadows[size_t(peer)] == expected);
            CHECK(encodeStateVector(ours[size_t(peer)]->stateVector()) == vector);
            CHECK_FALSE(ours[size_t(peer)]->hasPending());
        } else {
            const YjsPeer::State state = yjs.state(QStringLiteral("js%1").arg(peer - kOurs));
            CHECK(state.stateVector == vector);
            CHECK_FALSE(state.pending);
        }
    }
}

TEST_CASE("yjs interop: carets and names cross as y-protocols awareness, both ways",
          "[crdt][interop]")
{
    YjsPeer yjs;
    REQUIRE_YJS(yjs);
    yjs.newDoc(QStringLiteral("js"), 1000);
    Awareness ours(2000);
    const QJsonObject alex{
        {QStringLiteral("user"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Alex")},
                                             {QStringLiteral("color"), QStringLiteral("#30bced")}}},
        {QStringLiteral("cursor"),
         QJsonObject{{QStringLiteral("anchor"),
                      QJsonObject{{QStringLiteral("client"), 2000}, {QStringLiteral("clock"), 12}}},
                     {QStringLiteral("head"), QJsonObject{{QStringLiteral("client"), 2000},
                                                          {QStringLiteral("clock"), 15}}}}}};
    const QJsonValue added = yjs.awarenessApply(QStringLiteral("js"), ours.setLocalState(alex, 0));
    CHECK(added[QStringLiteral("added")].toArray() == QJsonArray{2000});
    CHECK(yjs.awarenessStates(QStringLiteral("js"))[QStringLiteral("2000")] == alex);

    // yjs starts with an empty local state, as y-protocols does; then Priya sets hers.
    const QJsonObject priya{
        {QStringLiteral("user"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Priya")}}}};
    auto result = ours.apply(yjs.awarenessSet(QStringLiteral("js"), priya), 10);
    REQUIRE(std::holds_alternative<Awareness::Change>(result));
    CHECK(std::get<Awareness::Change>(result).added == std::vector<quint64>{1000});
    CHECK(ours.states().at(1000) == priya);
    // A stale repeat changes nothing; her leaving removes her.
    const QByteArray old = yjs.awarenessSet(QStringLiteral("js"), priya);
    REQUIRE(std::holds_alternative<Awareness::Change>(ours.apply(old, 20)));
    CHECK(std::get<Awareness::Change>(ours.apply(old, 30)).isEmpty());
    const QByteArray gone = yjs.awarenessSet(QStringLiteral("js"), QJsonValue());
    CHECK(std::get<Awareness::Change>(ours.apply(gone, 40)).removed == std::vector<quint64>{1000});
    CHECK_FALSE(ours.states().count(1000));
    // Our leaving reaches yjs too.
    const QJsonValue left = yjs.awarenessApply(QStringLiteral("js"), ours.setLocalState({}, 50));
    CHECK(left[QStringLiteral("removed")].toArray() == QJsonArray{2000});
}

TEST_CASE("yjs interop: carets as relative positions are made and found as yjs makes and finds "
          "them",
          "[crdt][interop]")
{
    YjsPeer yjs;
    REQUIRE_YJS(yjs);
    yjs.newDoc(QStringLiteral("js"), 1000);
    TextDocument ours(2000);
    std::mt19937 random(20261203);
    auto pick = [&](qsizetype bound) {
        return std::uniform_int_distribution<qsizetype>(0, std::max<qsizetype>(bound, 0))(random);
    };
    std::vector<QJsonObject> carets;
    for (int round = 0; round < 60; ++round) {
        // Both sides edit, each hears the other at once.
        const qsizetype at = pick(ours.text().size());
        if (round % 3 == 2 && ours.text().size() > 4) {
            const QByteArray update = ours.remove(at == 0 ? 0 : at - 1, pick(3) + 1);
            REQUIRE(yjs.apply(QStringLiteral("js"), update));
        } else if (round % 3 == 1) {
            applyOk(ours, yjs.insert(QStringLiteral("js"), at, QStringLiteral("ab😀")));
        } else {
            REQUIRE(yjs.apply(QStringLiteral("js"), ours.insert(at, u"xyz ")));
        }
        REQUIRE(yjs.state(QStringLiteral("js")).text == ours.text());
        // A caret made here is the JSON yjs makes for the same place, and every caret made so
        // far finds the same place on both sides.
        for (int assoc : {0, -1}) {
            const qsizetype index = pick(ours.text().size());
            const QJsonObject mine =
                RelativePosition::at(ours, index, assoc).toJson(QStringLiteral("notes"));
            CHECK(mine == yjs.relativePosition(QStringLiteral("js"), index, assoc));
            carets.push_back(mine);
        }
        for (const QJsonObject& caret : carets) {
            const auto position = RelativePosition::fromJson(caret, QStringLiteral("notes"));
            REQUIRE(position);
            CHECK(position->resolve(ours).value_or(-1) ==
                  yjs.absolutePosition(QStringLiteral("js"), caret));
        }
    }
    // A character this document never saw resolves to no place, in both.
    const QJsonObject unknown{{QStringLiteral("tname"), QStringLiteral("notes")},
                              {QStringLiteral("item"), QJsonObject{{QStringLiteral("client"), 77},
                                                                   {QStringLiteral("clock"), 3}}},
                              {QStringLiteral("assoc"), 0}};
    CHECK_FALSE(RelativePosition::fromJson(unknown, QStringLiteral("notes"))->resolve(ours));
    CHECK(yjs.absolutePosition(QStringLiteral("js"), unknown) == -1);
}

TEST_CASE("yjs interop: undo and redo of one's own edits end where yjs's UndoManager ends",
          "[crdt][interop]")
{
    // The same script runs twice: once the writer is yjs with its UndoManager, once ours with
    // TextUndoManager. A colleague (yjs, a higher client id) edits at the same moments in both
    // runs; after every step both writers' texts are equal.
    YjsPeer yjs;
    REQUIRE_YJS(yjs);
    yjs.newDoc(QStringLiteral("writer"), 1000, QStringLiteral("notes"), true);
    yjs.newDoc(QStringLiteral("colleagueOfYjs"), 3000);
    yjs.newDoc(QStringLiteral("colleagueOfOurs"), 3000);
    TextDocument ours(1000);
    TextUndoManager undo(ours);
    qint64 now = 0;

    auto toYjsWriter = [&](const QByteArray& update) {
        if (update.isEmpty()) // an undo with nothing left to do
            return;
        REQUIRE(yjs.apply(QStringLiteral("writer"), update));
        REQUIRE(yjs.apply(QStringLiteral("colleagueOfYjs"), update));
    };
    auto toOurs = [&](const QByteArray& update) {
        applyOk(ours, update);
        REQUIRE(yjs.apply(QStringLiteral("colleagueOfOurs"), update));
    };
    auto writerInsert = [&](qsizetype index, const QString& text) {
        toYjsWriter(yjs.insert(QStringLiteral("writer"), index, text));
        REQUIRE(
            yjs.apply(QStringLiteral("colleagueOfOurs"), undo.insert(index, text, now += 1000)));
    };
    auto writerRemove = [&](qsizetype index, qsizetype length) {
        toYjsWriter(yjs.remove(QStringLiteral("writer"), index, length));
        REQUIRE(
            yjs.apply(QStringLiteral("colleagueOfOurs"), undo.remove(index, length, now += 1000)));
    };
    auto colleagueInsert = [&](qsizetype index, const QString& text) {
        const QByteArray a = yjs.insert(QStringLiteral("colleagueOfYjs"), index, text);
        REQUIRE(yjs.apply(QStringLiteral("writer"), a));
        toOurs(yjs.insert(QStringLiteral("colleagueOfOurs"), index, text));
    };
    auto colleagueRemove = [&](qsizetype index, qsizetype length) {
        REQUIRE(yjs.apply(QStringLiteral("writer"),
                          yjs.remove(QStringLiteral("colleagueOfYjs"), index, length)));
        toOurs(yjs.remove(QStringLiteral("colleagueOfOurs"), index, length));
    };
    auto writerUndo = [&](bool redo) {
        toYjsWriter(redo ? yjs.redo(QStringLiteral("writer")) : yjs.undo(QStringLiteral("writer")));
        const TextUndoManager::Outcome outcome = redo ? undo.redo() : undo.undo();
        for (const QByteArray& update : outcome.updates)
            REQUIRE(yjs.apply(QStringLiteral("colleagueOfOurs"), update));
    };
    auto same = [&] {
        const QString theirs = yjs.state(QStringLiteral("writer")).text;
        CHECK(theirs == ours.text());
        CHECK(yjs.state(QStringLiteral("colleagueOfOurs")).text == ours.text());
        CHECK(yjs.state(QStringLiteral("colleagueOfYjs")).text == theirs);
    };

    writerInsert(0, QStringLiteral("Inspection on Monday."));
    colleagueInsert(21, QStringLiteral(" Buyer agrees."));
    writerInsert(13, QStringLiteral(" late"));
    same();
    // The colleague types inside the writer's words: undo takes the writer's away, not theirs.
    colleagueInsert(15, QStringLiteral("[P]"));
    writerUndo(false);
    same();
    CHECK(ours.text().contains(QStringLiteral("[P]")));
    writerUndo(true);
    same();
    // A removal undone comes back where it was, around the colleague's new text.
    writerRemove(0, 11);
    colleagueInsert(0, QStringLiteral("NB: "));
    same();
    writerUndo(false);
    same();
    // Removals one after the other (backspace twice), undone in turn, keep their order.
    writerRemove(ours.text().size() - 1, 1);
    writerRemove(ours.text().size() - 1, 1);
    writerUndo(false);
    writerUndo(false);
    same();
    writerUndo(true);
    writerUndo(true);
    same();
    // The colleague removes a stretch that holds the writer's text; undoing the writer's insert
    // then has nothing left to take, in both.
    colleagueRemove(0, 8);
    writerUndo(false);
    writerUndo(false);
    writerUndo(false);
    same();
    writerUndo(true);
    writerUndo(true);
    same();
}
