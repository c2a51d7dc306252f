#include "server/cluster/clusterlogging.h"

Q_LOGGING_CATEGORY(lcCluster, "crm.server.cluster", QtInfoMsg)
