#include "server/sync/synclogging.h"

Q_LOGGING_CATEGORY(lcSync, "crm.server.sync", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "crm.server.api", QtInfoMsg)
