#include "models/modelslogging.h"

Q_LOGGING_CATEGORY(lcSyncStatus, "crm.models.syncstatus", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPresence, "crm.models.presence", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPictures, "crm.models.pictures", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTaskList, "crm.models.tasks", QtInfoMsg)
