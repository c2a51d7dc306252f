#include "models/modelslogging.h"

Q_LOGGING_CATEGORY(lcSyncStatus, "crm.models.syncstatus", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLocalStore, "crm.models.localstore", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSyncEngine, "crm.models.syncengine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPresence, "crm.models.presence", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServerInfo, "crm.models.serverinfo", QtInfoMsg)
