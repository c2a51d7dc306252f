#include "server/service/systemdnotifier.h"

#include <cstring>
#include <QtGlobal>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace crm {

bool SystemdNotifier::notify(const QByteArray& state)
{
    const QByteArray path = qgetenv("NOTIFY_SOCKET");
    if (path.isEmpty() || (path.at(0) != '/' && path.at(0) != '@'))
        return false;
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    if (static_cast<size_t>(path.size()) >= sizeof address.sun_path)
        return false;
    std::memcpy(address.sun_path, path.constData(), static_cast<size_t>(path.size()));
    if (address.sun_path[0] == '@')
        address.sun_path[0] = '\0'; // the abstract namespace
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const auto length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + static_cast<size_t>(path.size()));
    const auto sent = ::sendto(fd, state.constData(), static_cast<size_t>(state.size()),
                               MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&address), length);
    ::close(fd);
    return sent == state.size();
}

} // namespace crm
