#include "realtime/logging.h"

Q_LOGGING_CATEGORY(lcConnection, "crm.realtime.connection", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRest, "crm.realtime.rest", QtInfoMsg)
