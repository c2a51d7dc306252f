#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)
// One line per REST request and per socket session: who, from where, how long, how it ended.
Q_DECLARE_LOGGING_CATEGORY(lcAccess)
