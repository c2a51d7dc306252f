#include "realtime/resterror.h"

#include <QCoreApplication>

namespace crm {

bool RestError::isTransient() const
{
    switch (kind) {
    case Kind::Network:
    case Kind::Timeout:
        return true;
    case Kind::Http:
        return httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
    case Kind::None:
    case Kind::BadResponse:
        return false;
    }
    return false;
}

QString RestError::describe() const
{
    auto tr = [](const char* text) { return QCoreApplication::translate("crm::RestError", text); };
    switch (kind) {
    case Kind::None:
        return tr("OK");
    case Kind::Network:
        return tr("Network error: %1").arg(message);
    case Kind::Timeout:
        return tr("The server did not answer in time");
    case Kind::Http:
        return code.isEmpty() ? tr("Server error %1: %2").arg(httpStatus).arg(message)
                              : tr("Server error %1 (%2): %3").arg(httpStatus).arg(code, message);
    case Kind::BadResponse:
        return tr("Unexpected answer from the server: %1").arg(message);
    }
    return message;
}

} // namespace crm
