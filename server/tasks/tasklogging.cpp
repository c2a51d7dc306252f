#include "server/tasks/tasklogging.h"

Q_LOGGING_CATEGORY(lcTasks, "crm.server.tasks", QtInfoMsg)
