#pragma once

#include <QLoggingCategory>

// The server as a service: configuration, signals, draining, TLS reloads.
Q_DECLARE_LOGGING_CATEGORY(lcService)
