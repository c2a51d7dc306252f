#include "models/translations.h"

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>

namespace crm {

void installTranslations()
{
    auto* english = new QTranslator(QCoreApplication::instance());
    if (english->load(QStringLiteral(":/i18n/crm_en.qm")))
        QCoreApplication::installTranslator(english);
    auto* local = new QTranslator(QCoreApplication::instance());
    if (QLocale().language() != QLocale::English &&
        local->load(QLocale(), QStringLiteral("crm"), QStringLiteral("_"),
                    QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(local); // installed last: asked first
    else
        delete local;
}

} // namespace crm
