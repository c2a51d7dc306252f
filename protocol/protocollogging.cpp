#include "protocol/protocollogging.h"

Q_LOGGING_CATEGORY(lcProtocol, "crm.protocol", QtInfoMsg)
