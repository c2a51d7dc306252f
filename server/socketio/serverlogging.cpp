#include "server/socketio/serverlogging.h"

Q_LOGGING_CATEGORY(lcServerSocket, "crm.server.socketio", QtInfoMsg)
