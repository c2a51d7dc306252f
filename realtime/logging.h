#pragma once

#include <QLoggingCategory>

// One category per module of the realtime layer, so each can be switched on alone
// (QT_LOGGING_RULES="crm.realtime.connection.debug=true").
Q_DECLARE_LOGGING_CATEGORY(lcConnection)
Q_DECLARE_LOGGING_CATEGORY(lcRest)
