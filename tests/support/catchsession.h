#pragma once

namespace crm::test {

// Runs the Catch2 session on the command line's arguments. It lives beside Catch2's
// implementation, which is compiled once for every test program.
int runCatchSession(int argc, char* argv[]);

} // namespace crm::test
