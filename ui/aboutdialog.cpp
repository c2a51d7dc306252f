#include "ui/aboutdialog.h"

#include "common/buildinfo.h"
#include "models/serverinfo.h"
#include "ui/theme.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSysInfo>
#include <QVBoxLayout>

namespace crm {

AboutDialog::AboutDialog(ServerInfo* server, const QString& serverLabel, QWidget* parent)
    : QDialog(parent), m_server(server), m_serverLabel(serverLabel)
{
    setWindowTitle(tr("About CRM Desktop"));
    auto* icon = new QLabel(this);
    icon->setPixmap(applicationIcon().pixmap(64, 64));
    icon->setAlignment(Qt::AlignTop);
    auto* title = new QLabel(tr("<h2>CRM Desktop</h2>"
                                "<p>Work your brokerage's records together, live.</p>"),
                             this);
    m_facts = new QLabel(this);
    m_facts->setObjectName(QStringLiteral("aboutFacts"));
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* license = new QLabel(tr("MIT License. Built with Qt (LGPL v3)."), this);
    license->setEnabled(false);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* copy = buttons->addButton(tr("&Copy details"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(report()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* text = new QVBoxLayout;
    text->addWidget(title);
    text->addWidget(m_facts);
    text->addWidget(license);
    auto* top = new QHBoxLayout;
    top->addWidget(icon);
    top->addLayout(text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);

    if (m_server)
        connect(m_server, &ServerInfo::changed, this, &AboutDialog::refresh);
    refresh();
}

QList<std::pair<QString, QString>> AboutDialog::facts() const
{
    QString serverVersion = tr("unknown until connected");
    if (m_server && m_server->isKnown())
        serverVersion = m_server->revision().isEmpty()
                            ? m_server->version() // an older server says no revision
                            : tr("%1 (%2)").arg(m_server->version(), m_server->revision());
    return {
        {tr("Version"), buildinfo::version()},
        {tr("Build"), buildinfo::revision()},
        {tr("Qt"), tr("%1 (built with %2)")
                       .arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR))},
        {tr("System"),
         tr("%1, %2").arg(QSysInfo::prettyProductName(), QApplication::platformName())},
        {tr("Server"), m_serverLabel.isEmpty() ? tr("none") : m_serverLabel},
        {tr("Server version"), serverVersion},
    };
}

QString AboutDialog::report() const
{
    QStringList lines;
    for (const auto& [name, value] : facts())
        lines << tr("%1: %2").arg(name, value);
    return lines.join(u'\n');
}

void AboutDialog::refresh()
{
    // Names in the secondary text colour, values selectable: a bug report copies from here.
    QString rows;
    for (const auto& [name, value] : facts()) {
        rows += QStringLiteral("<tr><td style=\"color:%1; padding-right:12px\">%2</td>"
                               "<td>%3</td></tr>")
                    .arg(palette().color(QPalette::PlaceholderText).name(), name.toHtmlEscaped(),
                         value.toHtmlEscaped());
    }
    m_facts->setText(QStringLiteral("<table>") + rows + QStringLiteral("</table>"));
}

} // namespace crm
