#pragma once

#include <QLoggingCategory>

// QT_LOGGING_RULES="crm.crdt.debug=true" shows refused updates and what waits for its causes.
Q_DECLARE_LOGGING_CATEGORY(lcCrdt)
