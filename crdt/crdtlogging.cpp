#include "crdt/crdtlogging.h"

Q_LOGGING_CATEGORY(lcCrdt, "crm.crdt", QtInfoMsg)
