#include "server/demodata.h"

#include "server/crmserver.h"
#include "server/storage/mutationservice.h"
#include "server/storage/userdirectory.h"

#include <QDate>
#include <QJsonObject>
#include <QUuid>
#include <random>

namespace crm {

namespace {

struct Person
{
    const char* email;
    const char* name;
    const char* team;
    Identity::Role role;
};

const Person kPeople[] = {
    {"morgan@harbor.demo", "Morgan Lee", "North", Identity::Role::BrokerAdmin},
    {"priya@harbor.demo", "Priya Shah", "North", Identity::Role::TeamLead},
    {"alex@harbor.demo", "Alex Rivera", "North", Identity::Role::Agent},
    {"sam@harbor.demo", "Sam Okafor", "North", Identity::Role::Agent},
    {"diego@harbor.demo", "Diego Martin", "South", Identity::Role::TeamLead},
    {"taylor@harbor.demo", "Taylor Brooks", "South", Identity::Role::Agent},
    {"riley@harbor.demo", "Riley Chen", "South", Identity::Role::Agent},
};

const char* kStreets[] = {"Maple Ave",    "Oak Street",    "Harbor Blvd",   "Sunset Dr",
                          "Elm Court",    "Pine Ridge Rd", "Lakeview Ter",  "Cedar Lane",
                          "Bayshore Way", "Orchard Pl",    "Vista Del Mar", "Willow Bend",
                          "Juniper St",   "Canyon Rd"};
const char* kCities[] = {"Pasadena, CA 91101",   "Glendale, CA 91203",     "Burbank, CA 91502",
                         "Long Beach, CA 90802", "Santa Monica, CA 90401", "Torrance, CA 90503",
                         "Alhambra, CA 91801",   "Culver City, CA 90232"};
const char* kFirst[] = {"Emma", "Liam",  "Olivia", "Noah",  "Ava",   "Mateo",  "Sofia", "Ethan",
                        "Mia",  "Lucas", "Chloe",  "Aiden", "Grace", "Julian", "Zoe",   "Hannah"};
const char* kLast[] = {"Nguyen",   "Garcia", "Smith", "Patel",     "Johnson", "Kim",      "Lopez",
                       "Williams", "Brown",  "Davis", "Hernandez", "Wilson",  "Anderson", "Moore"};
const char* kEscrowCompanies[] = {"First Pacific Escrow", "Coastal Title & Escrow",
                                  "Golden State Escrow", "Pioneer Escrow Services"};

class Generator
{
public:
    explicit Generator(unsigned seed) : m_rng(seed) {}

    template <typename T, size_t N> QString pick(const T (&items)[N])
    {
        return QString::fromUtf8(items[index(N)]);
    }
    size_t index(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(m_rng); }
    int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_rng); }
    QString address()
    {
        return QStringLiteral("%1 %2, %3")
            .arg(between(100, 9899))
            .arg(pick(kStreets), pick(kCities));
    }
    QString name() { return pick(kFirst) + u' ' + pick(kLast); }
    QString phone()
    {
        return QStringLiteral("(%1) 555-%2").arg(between(213, 818)).arg(between(1000, 9999));
    }
    QString date(int fromDays, int toDays)
    {
        return QDate(2026, 11, 22).addDays(between(fromDays, toDays)).toString(Qt::ISODate);
    }
    int price() { return between(450, 2600) * 1000; }

private:
    std::mt19937 m_rng;
};

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

bool DemoData::seed(CrmServer& server, QString* error)
{
    UserDirectory& users = server.users();
    if (!users.firstBrokerageId().isEmpty()) {
        *error = QStringLiteral("the database has a brokerage already; not seeding");
        return false;
    }
    const QString brokerage = users.addBrokerage(QStringLiteral("Harbor & Pine Realty"));
    const QString north = users.addTeam(brokerage, QStringLiteral("North"));
    const QString south = users.addTeam(brokerage, QStringLiteral("South"));
    QList<Identity> north_agents, south_agents;
    for (const auto& person : kPeople) {
        const QString team =
            QString::fromUtf8(person.team) == QStringLiteral("North") ? north : south;
        const auto id = users.addUser(brokerage, team, QString::fromUtf8(person.email),
                                      QString::fromUtf8(person.name), person.role,
                                      QString::fromUtf8(kPassword), error);
        if (!id)
            return false;
        (team == north ? north_agents : south_agents).append(users.findById(*id)->identity);
    }

    Generator gen(20261122);
    auto create = [&](const Identity& who, const QString& module, const QJsonObject& fields) {
        Mutation m;
        m.module = module;
        m.op = Operation::Create;
        m.recordId = newId();
        m.fields = fields;
        const auto outcome = server.mutations().apply(who, m);
        if (outcome.result.status != MutationResult::Status::Applied)
            qWarning("demo data: %s rejected: %s", qPrintable(module),
                     qPrintable(outcome.result.error.message));
        return m.recordId;
    };

    for (const auto& team : {north_agents, south_agents}) {
        auto agent = [&] {
            return team.at(static_cast<qsizetype>(gen.index(static_cast<size_t>(team.size()))));
        };
        QStringList clients, listings;
        for (int i = 0; i < 40; ++i) {
            const QString name = gen.name();
            clients.append(
                create(agent(), QStringLiteral("clients"),
                       {{QStringLiteral("name"), name},
                        {QStringLiteral("email"),
                         name.toLower().replace(u' ', u'.') + QStringLiteral("@example.com")},
                        {QStringLiteral("phone"), gen.phone()},
                        {QStringLiteral("kind"),
                         QJsonValue(QStringList{QStringLiteral("buyer"), QStringLiteral("seller"),
                                                QStringLiteral("both"), QStringLiteral("investor")}
                                        .at(gen.between(0, 3)))},
                        {QStringLiteral("address"), gen.address()}}));
        }
        const QStringList listingStatus{QStringLiteral("coming-soon"), QStringLiteral("active"),
                                        QStringLiteral("active"), QStringLiteral("pending"),
                                        QStringLiteral("sold")};
        for (int i = 0; i < 30; ++i) {
            listings.append(
                create(agent(), QStringLiteral("listings"),
                       {{QStringLiteral("mlsNumber"),
                         QStringLiteral("ML%1").arg(gen.between(10000000, 99999999))},
                        {QStringLiteral("address"), gen.address()},
                        {QStringLiteral("listPrice"), gen.price()},
                        {QStringLiteral("status"), listingStatus.at(gen.between(0, 4))},
                        {QStringLiteral("beds"), gen.between(1, 6)},
                        {QStringLiteral("baths"), gen.between(2, 9) / 2.0},
                        {QStringLiteral("sqft"), gen.between(8, 45) * 100},
                        {QStringLiteral("yearBuilt"), gen.between(1925, 2024)},
                        {QStringLiteral("listedOn"), gen.date(-120, 0)},
                        {QStringLiteral("sellerClientId"), clients.at(gen.between(0, 39))}}));
        }
        const QStringList escrowStatus{QStringLiteral("open"), QStringLiteral("pending"),
                                       QStringLiteral("closing"), QStringLiteral("closed")};
        for (int i = 0; i < 20; ++i) {
            const int price = gen.price();
            const double percent = gen.between(20, 30) / 10.0;
            create(agent(), QStringLiteral("escrows"),
                   {{QStringLiteral("number"),
                     QStringLiteral("ESC-%1").arg(26000 + gen.between(100, 999))},
                    {QStringLiteral("propertyAddress"), gen.address()},
                    {QStringLiteral("purchasePrice"), price},
                    {QStringLiteral("earnestMoney"), price / 100 * 3},
                    {QStringLiteral("commissionPercent"), percent},
                    {QStringLiteral("myCommission"), std::round(price * percent) / 100.0},
                    {QStringLiteral("status"), escrowStatus.at(gen.between(0, 3))},
                    {QStringLiteral("openedOn"), gen.date(-60, -5)},
                    {QStringLiteral("closeDate"), gen.date(5, 45)},
                    {QStringLiteral("buyerClientId"), clients.at(gen.between(0, 39))},
                    {QStringLiteral("sellerClientId"), clients.at(gen.between(0, 39))},
                    {QStringLiteral("listingId"), listings.at(gen.between(0, 29))},
                    {QStringLiteral("escrowCompany"), gen.pick(kEscrowCompanies)}});
        }
        const QStringList kinds{QStringLiteral("showing"), QStringLiteral("listing-presentation"),
                                QStringLiteral("inspection"), QStringLiteral("closing"),
                                QStringLiteral("call")};
        for (int i = 0; i < 25; ++i) {
            const QDateTime start(QDate(2026, 11, 22).addDays(gen.between(-3, 21)),
                                  QTime(gen.between(8, 18), gen.between(0, 1) * 30), Qt::UTC);
            const QString kind = kinds.at(gen.between(0, 4));
            create(
                agent(), QStringLiteral("appointments"),
                {{QStringLiteral("title"),
                  QStringLiteral("%1 - %2").arg(
                      kind.at(0).toUpper() + kind.mid(1).replace(u'-', u' '), gen.pick(kStreets))},
                 {QStringLiteral("kind"), kind},
                 {QStringLiteral("startsAt"), start.toString(Qt::ISODate)},
                 {QStringLiteral("endsAt"), start.addSecs(3600).toString(Qt::ISODate)},
                 {QStringLiteral("location"), gen.address()},
                 {QStringLiteral("clientId"), clients.at(gen.between(0, 39))},
                 {QStringLiteral("listingId"), listings.at(gen.between(0, 29))},
                 {QStringLiteral("status"), QStringLiteral("scheduled")}});
        }
        const QStringList sources{QStringLiteral("website"), QStringLiteral("referral"),
                                  QStringLiteral("zillow"), QStringLiteral("open-house"),
                                  QStringLiteral("social")};
        const QStringList leadStatus{QStringLiteral("new"), QStringLiteral("contacted"),
                                     QStringLiteral("qualified"), QStringLiteral("nurturing")};
        for (int i = 0; i < 30; ++i) {
            const QString name = gen.name();
            const int budget = gen.between(4, 20) * 100000;
            create(agent(), QStringLiteral("leads"),
                   {{QStringLiteral("name"), name},
                    {QStringLiteral("email"),
                     name.toLower().replace(u' ', u'_') + QStringLiteral("@example.net")},
                    {QStringLiteral("phone"), gen.phone()},
                    {QStringLiteral("source"), sources.at(gen.between(0, 4))},
                    {QStringLiteral("status"), leadStatus.at(gen.between(0, 3))},
                    {QStringLiteral("score"), gen.between(10, 98)},
                    {QStringLiteral("budgetMin"), budget},
                    {QStringLiteral("budgetMax"), budget + gen.between(1, 5) * 100000},
                    {QStringLiteral("assignedAgentId"), agent().userId}});
        }
        const QStringList titles{
            QStringLiteral("Order inspection"),   QStringLiteral("Send disclosures"),
            QStringLiteral("Call lender"),        QStringLiteral("Schedule photos"),
            QStringLiteral("Follow up on offer"), QStringLiteral("Book appraisal")};
        const QStringList priorities{QStringLiteral("low"), QStringLiteral("normal"),
                                     QStringLiteral("high"), QStringLiteral("urgent")};
        for (int i = 0; i < 20; ++i) {
            create(agent(), QStringLiteral("tasks"),
                   {{QStringLiteral("title"), titles.at(gen.between(0, 5))},
                    {QStringLiteral("due"), gen.date(-2, 14)},
                    {QStringLiteral("assigneeId"), agent().userId},
                    {QStringLiteral("priority"), priorities.at(gen.between(0, 3))},
                    {QStringLiteral("status"), QStringLiteral("todo")},
                    {QStringLiteral("relatedModule"), QStringLiteral("listings")},
                    {QStringLiteral("relatedId"), listings.at(gen.between(0, 29))}});
        }
    }
    return true;
}

} // namespace crm
