#include "core/corelogging.h"

Q_LOGGING_CATEGORY(lcLocalStore, "crm.core.localstore", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSyncEngine, "crm.core.syncengine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClientCore, "crm.core.client", QtInfoMsg)
Q_LOGGING_CATEGORY(lcNotes, "crm.core.notes", QtInfoMsg)
