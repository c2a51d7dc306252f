#include "models/modelslogging.h"

Q_LOGGING_CATEGORY(lcSyncStatus, "crm.models.syncstatus", QtInfoMsg)
