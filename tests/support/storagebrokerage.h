#pragma once

// A crm-server storage stack on a real database (SQLite file or PostgreSQL) with a brokerage of
// two teams, for tests that drive the storage layer directly.
#include "server/storage/changelog.h"
#include "server/storage/database.h"
#include "server/storage/mutationservice.h"
#include "server/storage/recordstore.h"
#include "server/storage/userdirectory.h"
#include "support/testdatabases.h"

#include <catch2/catch.hpp>
#include <memory>
#include <QTemporaryDir>
#include <QUuid>

namespace crm::test {

// A brokerage with two teams: Ana and Ben in "North", Cleo in "South", Dee the broker admin.
struct Brokerage
{
    explicit Brokerage(const QString& backend)
    {
        REQUIRE(dir.isValid());
        QString error;
        const QString target = test::databaseTarget(backend, dir.path(), &error);
        if (target.isEmpty()) {
            if (test::postgresRequired())
                FAIL(error.toStdString());
            WARN(error.toStdString());
            return;
        }
        db = Database::open(target, &error);
        INFO(error.toStdString());
        REQUIRE(db);
        users = std::make_unique<UserDirectory>(*db);
        brokerage = users->addBrokerage(QStringLiteral("Harbor Realty"));
        north = users->addTeam(brokerage, QStringLiteral("North"));
        south = users->addTeam(brokerage, QStringLiteral("South"));
        ana = add(QStringLiteral("ana@harbor.test"), QStringLiteral("Ana"), north,
                  Identity::Role::Agent);
        ben = add(QStringLiteral("ben@harbor.test"), QStringLiteral("Ben"), north,
                  Identity::Role::Agent);
        cleo = add(QStringLiteral("cleo@harbor.test"), QStringLiteral("Cleo"), south,
                   Identity::Role::Agent);
        dee = add(QStringLiteral("dee@harbor.test"), QStringLiteral("Dee"), north,
                  Identity::Role::BrokerAdmin);
        records = std::make_unique<RecordStore>(*db);
        log = std::make_unique<ChangeLog>(*db);
        mutations = std::make_unique<MutationService>(*db, *records, *log);
    }

    Identity add(const QString& email, const QString& name, const QString& team,
                 Identity::Role role)
    {
        QString error;
        const auto id = users->addUser(brokerage, team, email, name, role,
                                       QStringLiteral("correct horse battery"), &error);
        INFO(error.toStdString());
        REQUIRE(id);
        return users->findById(*id)->identity;
    }

    Mutation mutation(const QString& clientId, qint64 mutationId, const QString& op,
                      const QString& id, const QJsonObject& fields,
                      std::optional<qint64> base = std::nullopt,
                      const QString& module = QStringLiteral("escrows"))
    {
        QJsonObject json{{QStringLiteral("module"), module},
                         {QStringLiteral("op"), op},
                         {QStringLiteral("id"), id},
                         {QStringLiteral("mutationId"), mutationId},
                         {QStringLiteral("fields"), fields}};
        if (base)
            json.insert(QStringLiteral("baseVersion"), *base);
        const auto parsed = Mutation::fromJson(json, clientId);
        INFO(parsed.error().describe().toStdString());
        REQUIRE(parsed.ok());
        return parsed.value();
    }

    QJsonObject mutate(const Identity& who, const QString& clientId, qint64 mutationId,
                       const QString& op, const QString& id, const QJsonObject& fields,
                       std::optional<qint64> base = std::nullopt,
                       const QString& module = QStringLiteral("escrows"))
    {
        auto outcome =
            mutations->apply(who, mutation(clientId, mutationId, op, id, fields, base, module));
        lastChange = outcome.change;
        return outcome.toJson();
    }

    QTemporaryDir dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<UserDirectory> users;
    std::unique_ptr<RecordStore> records;
    std::unique_ptr<ChangeLog> log;
    std::unique_ptr<MutationService> mutations;
    std::optional<ChangeEntry> lastChange;
    QString brokerage, north, south;
    Identity ana, ben, cleo, dee;
};

inline QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

inline QString status(const QJsonObject& result)
{
    return result.value(QStringLiteral("status")).toString();
}

inline QString errorCode(const QJsonObject& result)
{
    return result.value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

} // namespace crm::test
