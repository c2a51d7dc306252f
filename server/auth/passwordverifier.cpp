#include "server/auth/passwordverifier.h"

#include "server/storage/userdirectory.h"

#include <QMetaObject>
#include <QPointer>

namespace crm {

PasswordVerifier::PasswordVerifier(int threads, QObject* parent)
    : QObject(parent), m_dummyHash(UserDirectory::hashPassword(QStringLiteral("timing-equaliser")))
{
    m_pool.setMaxThreadCount(threads);
    m_pool.setExpiryTimeout(60000);
}

PasswordVerifier::~PasswordVerifier()
{
    m_pool.waitForDone();
}

void PasswordVerifier::verify(const QString& storedHash, const QString& password,
                              std::function<void(bool)> done)
{
    ++m_backlog;
    ++m_checks;
    const bool known = !storedHash.isEmpty();
    const QString hash = known ? storedHash : m_dummyHash;
    QPointer<PasswordVerifier> self(this);
    m_pool.start([self, hash, password, known, done = std::move(done)] {
        const bool matches = UserDirectory::verifyPassword(hash, password) && known;
        if (!self)
            return;
        QMetaObject::invokeMethod(
            self,
            [self, matches, done] {
                if (!self)
                    return;
                --self->m_backlog;
                done(matches);
            },
            Qt::QueuedConnection);
    });
}

} // namespace crm
