// A reference or a person chosen in a list keeps its value whatever happens to the list: a
// reload of the copy, the chosen record leaving it, a directory that does not know someone yet.
// Read as "none", Save would have cleared the agent's buyer or assignee without a word.
#include "core/syncengine.h"
#include "models/recordtablemodel.h"
#include "protocol/recordschema.h"
#include "support/desktopfixture.h"
#include "ui/fieldinput.h"

#include <catch2/catch.hpp>
#include <QComboBox>
#include <QSignalSpy>

using namespace crm;
using test::Desktop;
using test::waitUntil;

namespace {

const FieldSpec& field(const QString& module, const QString& name)
{
    const FieldSpec* spec = RecordSchema::instance().module(module)->field(name);
    REQUIRE(spec);
    return *spec;
}

} // namespace

TEST_CASE("A chosen reference is kept through a reload of its list and while it is out of the "
          "copy",
          "[ui][editor][references]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    RecordTableModel* clients = ana.session.table(QStringLiteral("clients"));
    QString error;
    const QString buyer =
        clients->createRecord({{QStringLiteral("name"), QStringLiteral("Zoe Buyer")}}, &error);
    const QString other =
        clients->createRecord({{QStringLiteral("name"), QStringLiteral("Al Other")}}, &error);
    REQUIRE_FALSE(buyer.isEmpty());
    REQUIRE(waitUntil([&] { return ana.session.store().outbox().count() == 0; }));

    FieldInput input(field(QStringLiteral("escrows"), QStringLiteral("buyerClientId")), clients,
                     nullptr);
    auto* combo = input.findChild<QComboBox*>();
    REQUIRE(combo);
    input.setValue(buyer);
    REQUIRE(input.value() == QJsonValue(buyer));
    QSignalSpy edited(&input, &FieldInput::edited);

    // The copy is reloaded (the server asked, or the agent's team changed): same value after.
    emit ana.session.engine().copyCleared(QStringLiteral("test"));
    CHECK(input.value() == QJsonValue(buyer));
    CHECK(combo->currentText() == QStringLiteral("Zoe Buyer"));

    // Gone from the copy (out of reach): still the same value, said as such, not "None".
    const auto kept = ana.session.store().cache().record(QStringLiteral("clients"), buyer);
    const auto keptOther = ana.session.store().cache().record(QStringLiteral("clients"), other);
    REQUIRE(kept);
    REQUIRE(keptOther);
    REQUIRE(ana.session.store().cache().clearConfirmed());
    emit ana.session.engine().copyCleared(QStringLiteral("test"));
    CHECK(clients->rowOf(buyer) < 0);
    CHECK(input.value() == QJsonValue(buyer));
    CHECK(combo->currentIndex() == -1);
    CHECK(combo->placeholderText() == QStringLiteral("A record not in your copy"));

    // Back in the copy: chosen again in the list.
    REQUIRE(ana.session.store().cache().storeRecord(*kept));
    emit ana.session.engine().recordChanged(*kept, kept->fields.keys(), false);
    REQUIRE(waitUntil([&] { return clients->rowOf(buyer) >= 0; }));
    CHECK(combo->currentText() == QStringLiteral("Zoe Buyer"));
    CHECK(input.value() == QJsonValue(buyer));
    // None of that was the agent editing.
    CHECK(edited.isEmpty());

    // The agent's own choice is what counts from then on.
    REQUIRE(ana.session.store().cache().storeRecord(*keptOther));
    emit ana.session.engine().recordChanged(*keptOther, keptOther->fields.keys(), false);
    REQUIRE(waitUntil([&] { return clients->rowOf(other) >= 0; }));
    CHECK(input.value() == QJsonValue(buyer)); // a row arriving is not a choice
    combo->setCurrentIndex(clients->rowOf(other));
    CHECK(input.value() == QJsonValue(other));
    CHECK(edited.count() == 1);
}
