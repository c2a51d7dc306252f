#include "server/http/httplogging.h"

Q_LOGGING_CATEGORY(lcHttp, "crm.server.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAccess, "crm.server.access", QtInfoMsg)
