#include "common/commonlogging.h"

Q_LOGGING_CATEGORY(lcSqlite, "crm.common.sqlite", QtInfoMsg)
