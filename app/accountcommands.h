#pragma once

#include "app/clioptions.h"

#include <QStringList>

namespace crm {

// crm-cli login EMAIL / logout / whoami: the account of the profile, its secret in the OS
// keychain (or a 0600 file with --no-keychain). Exit status as for every crm-cli command.
int runAccountCommand(const QStringList& args, const CliOptions& options);

// The access token for a command that goes online: `override` (from --token or CRM_TOKEN) when
// given, else the profile's signed-in session, refreshed when it is about to expire.
int obtainAccessToken(const CliOptions& options, const QString& override, QString* token);

} // namespace crm
