#pragma once

#include <chrono>
#include <optional>
#include <QElapsedTimer>
#include <QHash>
#include <QString>

namespace crm {

// Slows password guessing: after a few failed logins an account, or an address, must wait
// before the next try (429 with Retry-After), the wait doubling with each further failure up
// to a ceiling; a success clears the account's count. Counts are forgotten after a quiet
// window and their number is bounded, so a flood of made-up emails cannot grow it without end.
class LoginThrottle
{
public:
    struct Policy
    {
        int freeFailuresPerAccount = 5;
        int freeFailuresPerAddress = 20;
        std::chrono::seconds firstWait{30};
        std::chrono::seconds longestWait{15 * 60};
        std::chrono::seconds forgetAfter{15 * 60};
        int maxTracked = 100000;
    };

    LoginThrottle() : LoginThrottle(Policy{}) {}
    explicit LoginThrottle(Policy policy);

    // How long this account or address must still wait; nothing when it may try now.
    std::optional<std::chrono::seconds> wait(const QString& email, const QString& address) const;
    void failed(const QString& email, const QString& address);
    void succeeded(const QString& email);

private:
    struct Count
    {
        int failures = 0;
        qint64 lastFailureMs = 0;
        qint64 blockedUntilMs = 0;
    };
    qint64 nowMs() const { return m_clock.elapsed(); }
    void count(QHash<QString, Count>& counts, const QString& key, int freeFailures);
    std::optional<std::chrono::seconds> waitOf(const QHash<QString, Count>& counts,
                                               const QString& key) const;
    void forgetOld(QHash<QString, Count>& counts);

    Policy m_policy;
    QElapsedTimer m_clock;
    QHash<QString, Count> m_accounts;
    QHash<QString, Count> m_addresses;
};

} // namespace crm
