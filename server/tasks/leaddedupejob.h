#pragma once

#include "server/tasks/taskjob.h"

#include <QJsonArray>
#include <QList>
#include <QStringList>

namespace crm {

// lead_dedupe: params {"merge": bool}. Finds leads that are likely the same person: the same
// normalised email, the same phone number (last ten digits), or the same name (word order and
// punctuation ignored) when their emails and phones do not contradict it. With merge, each group
// keeps its oldest lead, fills that lead's empty fields from the others (an update), then
// deletes the others: every step is an ordinary mutation, so the change log keeps each field's
// history and a lead someone edits meanwhile is left alone (a conflict) instead of overwritten.
class LeadDedupeJob : public TaskJob
{
public:
    bool prepare(TaskContext& context, QString* error) override;
    Slice runSlice(TaskContext& context) override;
    QJsonObject result() const override;
    QString summary() const override;
    void finish(TaskContext& context) override;

    static QString normalisedEmail(const QString& email);
    static QString normalisedPhone(const QString& phone);
    static QString normalisedName(const QString& name);

    static constexpr int kPage = 500;
    static constexpr int kInlineGroups = 100;

private:
    struct Lead
    {
        QString id;
        QString createdAt;
        qint64 version = 0;
        QJsonObject fields;
    };
    struct Group
    {
        QList<int> members; // indexes into m_leads, oldest first
        QStringList reasons;
    };

    void findGroups();
    void mergeGroup(TaskContext& context, const Group& group);
    QJsonObject groupJson(const Group& group) const;

    bool m_merge = false;
    QList<Lead> m_leads;
    QList<Group> m_groups;
    int m_offset = 0;
    qint64 m_total = 0;
    bool m_scanned = false;
    qsizetype m_nextGroup = 0;
    qint64 m_merged = 0;
    qint64 m_skipped = 0;
    qint64 m_mutationId = 0;
    QJsonArray m_skippedReasons;
};

} // namespace crm
