#pragma once

#include <functional>
#include <QObject>
#include <QString>
#include <QThreadPool>

namespace crm {

// Checks passwords (argon2id, 64 MiB each) on a small thread pool of its own, never on the
// event loop that carries every socket: a burst of logins used to stall live updates for
// everyone. An unknown account is checked against a dummy hash made once, so it costs exactly
// one hash like a real one and timing does not tell who has an account.
class PasswordVerifier : public QObject
{
    Q_OBJECT
public:
    explicit PasswordVerifier(int threads = 2, QObject* parent = nullptr);
    ~PasswordVerifier() override;

    // `done(matches)` runs on this object's thread. An empty `storedHash` (no such account)
    // is checked against the dummy hash and never matches.
    void verify(const QString& storedHash, const QString& password,
                std::function<void(bool matches)> done);
    // Checks waiting for a thread: more than a few means the server is being flooded.
    int backlog() const { return m_backlog; }
    // Checks made so far (each one argon2id hash), known accounts and unknown alike.
    qint64 checks() const { return m_checks; }

private:
    QThreadPool m_pool;
    QString m_dummyHash;
    int m_backlog = 0;
    qint64 m_checks = 0;
};

} // namespace crm
