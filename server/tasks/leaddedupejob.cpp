#include "server/tasks/leaddedupejob.h"

#include "protocol/recordschema.h"
#include "server/storage/recordstore.h"
#include "server/tasks/csvtable.h"

#include <algorithm>
#include <numeric>
#include <QHash>

namespace crm {

namespace {

const QString kLeads = QStringLiteral("leads");

// Union-find over lead indexes.
int rootOf(QList<int>& parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

bool compatible(const QString& a, const QString& b)
{
    return a.isEmpty() || b.isEmpty() || a == b;
}

} // namespace

QString LeadDedupeJob::normalisedEmail(const QString& email)
{
    return email.trimmed().toLower();
}

QString LeadDedupeJob::normalisedPhone(const QString& phone)
{
    QString digits;
    for (const QChar c : phone) {
        if (c.isDigit())
            digits.append(c);
    }
    if (digits.size() < 7)
        return {};
    return digits.right(10);
}

QString LeadDedupeJob::normalisedName(const QString& name)
{
    QString cleaned;
    for (const QChar c : name.toLower())
        cleaned.append(c.isLetterOrNumber() ? c : QChar(u' '));
    QStringList words = cleaned.split(u' ', Qt::SkipEmptyParts);
    std::sort(words.begin(), words.end());
    return words.join(u' ');
}

bool LeadDedupeJob::prepare(TaskContext& context, QString* error)
{
    const QJsonValue merge = context.task().params.value(QStringLiteral("merge"));
    if (!merge.isUndefined() && !merge.isBool()) {
        *error = QStringLiteral("merge must be true or false");
        return false;
    }
    m_merge = merge.toBool(false);
    return true;
}

TaskJob::Slice LeadDedupeJob::runSlice(TaskContext& context)
{
    const ModuleSpec* spec = RecordSchema::instance().module(kLeads);
    while (!m_scanned) {
        const auto page =
            context.records().list(context.actor(), kLeads, m_offset, kPage, &m_total);
        for (const auto& stored : page) {
            const QJsonObject record = stored.toJson(context.actor(), *spec);
            m_leads.append(Lead{stored.id, stored.createdAt, stored.version,
                                record.value(QStringLiteral("fields")).toObject()});
        }
        m_offset += static_cast<int>(page.size());
        m_scanned = page.size() < kPage;
        const qint64 scale = m_merge ? 2 : 1;
        context.progress(m_offset, std::max<qint64>(m_total, m_offset) * scale,
                         QStringLiteral("Checked %1 of %2 leads").arg(m_offset).arg(m_total));
        if (m_scanned)
            findGroups();
        if (context.sliceOver())
            return Slice::More;
    }
    if (!m_merge)
        return Slice::Done;
    const qint64 total = std::max<qint64>(m_total, m_offset);
    while (m_nextGroup < m_groups.size()) {
        mergeGroup(context, m_groups.at(m_nextGroup++));
        const qint64 done = total + total * m_nextGroup / std::max<qsizetype>(1, m_groups.size());
        context.progress(
            done, total * 2,
            QStringLiteral("Merged %1 of %2 groups").arg(m_nextGroup).arg(m_groups.size()));
        if (context.sliceOver())
            break;
    }
    return m_nextGroup < m_groups.size() ? Slice::More : Slice::Done;
}

void LeadDedupeJob::findGroups()
{
    const int n = static_cast<int>(m_leads.size());
    QList<int> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    QList<QStringList> reasons(n);
    QHash<QString, int> byEmail;
    QHash<QString, int> byPhone;
    QHash<QString, QList<int>> byName;
    QList<QString> emails(n);
    QList<QString> phones(n);
    auto join = [&](int a, int b, const QString& why) {
        const int ra = rootOf(parent, a);
        const int rb = rootOf(parent, b);
        if (ra != rb)
            parent[std::max(ra, rb)] = std::min(ra, rb);
        const int root = rootOf(parent, a);
        if (!reasons[root].contains(why))
            reasons[root].append(why);
    };
    for (int i = 0; i < n; ++i) {
        const QJsonObject& f = m_leads.at(i).fields;
        emails[i] = normalisedEmail(f.value(QStringLiteral("email")).toString());
        phones[i] = normalisedPhone(f.value(QStringLiteral("phone")).toString());
        if (!emails[i].isEmpty()) {
            const auto it = byEmail.constFind(emails[i]);
            if (it != byEmail.constEnd())
                join(*it, i, QStringLiteral("email"));
            else
                byEmail.insert(emails[i], i);
        }
        if (!phones[i].isEmpty()) {
            const auto it = byPhone.constFind(phones[i]);
            if (it != byPhone.constEnd())
                join(*it, i, QStringLiteral("phone"));
            else
                byPhone.insert(phones[i], i);
        }
        const QString name = normalisedName(f.value(QStringLiteral("name")).toString());
        if (!name.isEmpty())
            byName[name].append(i);
    }
    // Two people may share a name: a lead joins a same-name cluster only when its contact
    // details agree with everything the cluster knows so far (so A~B and B~C never pulls in a
    // C whose email contradicts A's).
    struct NameCluster
    {
        int first;
        QString email;
        QString phone;
    };
    for (const auto& same : std::as_const(byName)) {
        QList<NameCluster> clusters;
        for (const int i : same) {
            auto fits = std::find_if(clusters.begin(), clusters.end(), [&](const NameCluster& c) {
                return compatible(c.email, emails[i]) && compatible(c.phone, phones[i]);
            });
            if (fits == clusters.end()) {
                clusters.append(NameCluster{i, emails[i], phones[i]});
                continue;
            }
            join(fits->first, i, QStringLiteral("name"));
            if (fits->email.isEmpty())
                fits->email = emails[i];
            if (fits->phone.isEmpty())
                fits->phone = phones[i];
        }
    }
    QHash<int, int> groupOfRoot;
    for (int i = 0; i < n; ++i) {
        const int root = rootOf(parent, i);
        if (root == i && reasons[root].isEmpty())
            continue;
        auto it = groupOfRoot.find(root);
        if (it == groupOfRoot.end()) {
            it = groupOfRoot.insert(root, static_cast<int>(m_groups.size()));
            m_groups.append(Group{{}, reasons[root]});
        }
        m_groups[*it].members.append(i);
    }
    for (auto& group : m_groups) {
        std::sort(group.members.begin(), group.members.end(),
                  [&](int a, int b) { return m_leads[a].createdAt < m_leads[b].createdAt; });
    }
}

void LeadDedupeJob::mergeGroup(TaskContext& context, const Group& group)
{
    const QString clientId =
        QStringLiteral("task:%1:%2").arg(context.task().id).arg(context.task().attempt);
    const Lead& keep = m_leads.at(group.members.first());
    QJsonObject filled;
    for (qsizetype m = 1; m < group.members.size(); ++m) {
        const QJsonObject& other = m_leads.at(group.members[m]).fields;
        for (auto it = other.begin(); it != other.end(); ++it) {
            if (const FieldSpec* field = RecordSchema::instance().module(kLeads)->field(it.key());
                field && field->derived)
                continue; // kept by the server (the notes' text): never written by a task
            const QJsonValue mine = keep.fields.value(it.key());
            const bool empty = mine.isNull() || mine.isUndefined() || mine.toString() == u"";
            if (empty && !it.value().isNull() && !filled.contains(it.key()))
                filled.insert(it.key(), it.value());
        }
    }
    auto skip = [&](const QString& why) {
        ++m_skipped;
        if (m_skippedReasons.size() < kInlineGroups)
            m_skippedReasons.append(
                QJsonObject{{QStringLiteral("keep"), keep.id}, {QStringLiteral("reason"), why}});
    };
    Mutation mutation;
    mutation.module = kLeads;
    mutation.clientId = clientId;
    if (!filled.isEmpty()) {
        mutation.op = Operation::Update;
        mutation.recordId = keep.id;
        mutation.mutationId = ++m_mutationId;
        mutation.baseVersion = keep.version;
        mutation.fields = filled;
        const QJsonObject outcome = context.mutate(mutation);
        if (outcome.value(QStringLiteral("status")) != QStringLiteral("applied"))
            return skip(QStringLiteral("the lead to keep changed meanwhile or cannot be updated"));
    }
    for (qsizetype m = 1; m < group.members.size(); ++m) {
        const Lead& other = m_leads.at(group.members[m]);
        mutation.op = Operation::Delete;
        mutation.recordId = other.id;
        mutation.mutationId = ++m_mutationId;
        mutation.baseVersion = other.version;
        mutation.fields = {};
        const QJsonObject outcome = context.mutate(mutation);
        if (outcome.value(QStringLiteral("status")) == QStringLiteral("applied"))
            ++m_merged;
        else
            skip(QStringLiteral("lead %1 changed meanwhile and was kept").arg(other.id));
    }
}

QJsonObject LeadDedupeJob::groupJson(const Group& group) const
{
    QJsonArray others;
    for (qsizetype m = 1; m < group.members.size(); ++m)
        others.append(m_leads.at(group.members[m]).id);
    const Lead& keep = m_leads.at(group.members.first());
    return {{QStringLiteral("keep"), keep.id},
            {QStringLiteral("name"), keep.fields.value(QStringLiteral("name"))},
            {QStringLiteral("duplicates"), others},
            {QStringLiteral("reasons"), QJsonArray::fromStringList(group.reasons)}};
}

void LeadDedupeJob::finish(TaskContext& context)
{
    QStringList lines{QStringLiteral("keep,duplicate,reasons")};
    for (const auto& group : std::as_const(m_groups)) {
        for (qsizetype m = 1; m < group.members.size(); ++m)
            lines.append(
                CsvTable::formatRow({m_leads.at(group.members.first()).id,
                                     m_leads.at(group.members[m]).id, group.reasons.join(u' ')}));
    }
    context.saveOutput(QStringLiteral("report"), lines.join(u'\n') + u'\n');
}

QJsonObject LeadDedupeJob::result() const
{
    QJsonArray groups;
    qint64 duplicates = 0;
    for (const auto& group : m_groups) {
        duplicates += group.members.size() - 1;
        if (groups.size() < kInlineGroups)
            groups.append(groupJson(group));
    }
    return {{QStringLiteral("scanned"), m_leads.size()},
            {QStringLiteral("groupCount"), m_groups.size()},
            {QStringLiteral("duplicates"), duplicates},
            {QStringLiteral("groups"), groups},
            {QStringLiteral("merge"), m_merge},
            {QStringLiteral("merged"), m_merged},
            {QStringLiteral("skipped"), m_skipped},
            {QStringLiteral("skippedGroups"), m_skippedReasons}};
}

QString LeadDedupeJob::summary() const
{
    qint64 duplicates = 0;
    for (const auto& group : m_groups)
        duplicates += group.members.size() - 1;
    if (m_merge)
        return QStringLiteral("Merged %1 in %2")
            .arg(counted(m_merged, "duplicate lead", "duplicate leads"),
                 counted(m_groups.size(), "group", "groups"));
    return QStringLiteral("Found %1 in %2")
        .arg(counted(duplicates, "likely duplicate lead", "likely duplicate leads"),
             counted(m_groups.size(), "group", "groups"));
}

} // namespace crm
