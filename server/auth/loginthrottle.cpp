#include "server/auth/loginthrottle.h"

#include <algorithm>

namespace crm {

LoginThrottle::LoginThrottle(Policy policy) : m_policy(policy)
{
    m_clock.start();
}

std::optional<std::chrono::seconds> LoginThrottle::waitOf(const QHash<QString, Count>& counts,
                                                          const QString& key) const
{
    const auto found = counts.constFind(key);
    if (found == counts.constEnd() || found->blockedUntilMs <= nowMs())
        return std::nullopt;
    // Rounded up: "Retry-After: 0" would invite an immediate retry that is still refused.
    return std::chrono::seconds((found->blockedUntilMs - nowMs() + 999) / 1000);
}

std::optional<std::chrono::seconds> LoginThrottle::wait(const QString& email,
                                                        const QString& address) const
{
    const auto account = waitOf(m_accounts, email.toLower());
    const auto host = waitOf(m_addresses, address);
    if (account && host)
        return std::max(*account, *host);
    return account ? account : host;
}

void LoginThrottle::count(QHash<QString, Count>& counts, const QString& key, int freeFailures)
{
    if (counts.size() >= m_policy.maxTracked)
        forgetOld(counts);
    if (counts.size() >= m_policy.maxTracked && !counts.contains(key))
        counts.erase(counts.begin()); // still full of recent ones: drop any, bounded memory wins
    Count& entry = counts[key];
    if (entry.failures > 0 &&
        nowMs() - entry.lastFailureMs > std::chrono::milliseconds(m_policy.forgetAfter).count())
        entry = {};
    ++entry.failures;
    entry.lastFailureMs = nowMs();
    if (entry.failures > freeFailures) {
        // 30 s, 60 s, 120 s ... up to the ceiling.
        const int doublings = std::min(entry.failures - freeFailures - 1, 20);
        const auto wait =
            std::min<qint64>(std::chrono::milliseconds(m_policy.firstWait).count() << doublings,
                             std::chrono::milliseconds(m_policy.longestWait).count());
        entry.blockedUntilMs = nowMs() + wait;
    }
}

void LoginThrottle::failed(const QString& email, const QString& address)
{
    count(m_accounts, email.toLower(), m_policy.freeFailuresPerAccount);
    count(m_addresses, address, m_policy.freeFailuresPerAddress);
}

void LoginThrottle::succeeded(const QString& email)
{
    m_accounts.remove(email.toLower());
}

void LoginThrottle::forgetOld(QHash<QString, Count>& counts)
{
    const qint64 horizon = nowMs() - std::chrono::milliseconds(m_policy.forgetAfter).count();
    counts.removeIf([&](const auto& entry) {
        return entry.value().lastFailureMs < horizon && entry.value().blockedUntilMs < nowMs();
    });
}

} // namespace crm
