#pragma once

#include "realtime/connectionconfig.h"

namespace crm::test {

// Client timings shrunk for tests: retries within half a second, a fixed backoff seed so runs
// repeat, and no OS network watching (the tests drive every change themselves).
inline ConnectionConfig fastConnectionConfig(const QUrl& url)
{
    using namespace std::chrono_literals;
    ConnectionConfig config;
    config.serverUrl = url;
    config.backoffBase = 50ms;
    config.backoffCap = 400ms;
    config.backoffSeed = 1;
    config.stableAfter = 3s;
    config.connectTimeout = 3s;
    config.defaultAckTimeout = 3s;
    config.watchNetwork = false;
    config.detectResume = false;
    return config;
}

} // namespace crm::test
