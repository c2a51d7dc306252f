#pragma once

// crm-server's exit statuses, so that systemd, scripts and operators can tell a typo from an
// outage (the numbers follow BSD's sysexits.h, which service managers and shells know).
namespace crm::exitstatus {

constexpr int kOk = 0;
constexpr int kFailure = 1;       // anything not named below (a user command refused, ...)
constexpr int kUsage = 64;        // an unknown command or flag
constexpr int kDataTooNew = 65;   // the database's schema is newer than this binary
constexpr int kUnavailable = 69;  // the database cannot be reached, the port cannot be bound
constexpr int kCannotCreate = 73; // the data folder cannot be made or written
constexpr int kConfig = 78;       // a setting has a value that is not valid (named in the message)

} // namespace crm::exitstatus
