#include "server/storage/storagelogging.h"

Q_LOGGING_CATEGORY(lcStorage, "crm.server.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "crm.server.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMutations, "crm.server.mutations", QtInfoMsg)
