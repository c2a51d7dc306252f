#include "server/service/servicelogging.h"

Q_LOGGING_CATEGORY(lcService, "crm.server.service", QtInfoMsg)
