#pragma once

#include <QLoggingCategory>

// QT_LOGGING_RULES="crm.protocol.debug=true" shows what the shared wire layer noticed.
Q_DECLARE_LOGGING_CATEGORY(lcProtocol)
