#pragma once

#include <QString>

namespace crm {

class CrmServer;

// A believable demo brokerage for the README's first command and for trying things out:
// two teams, seven people, and a few hundred records with real-looking addresses, prices and
// dates, written through the mutation engine so the change log and seqs are real.
class DemoData
{
public:
    static constexpr const char* kPassword = "demo-pass-2026";

    // False (nothing written) when the database already has a brokerage.
    static bool seed(CrmServer& server, QString* error);
};

} // namespace crm
