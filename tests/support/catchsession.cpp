// The only source that holds Catch2's implementation (CATCH_CONFIG_RUNNER: no main of its own).
#define CATCH_CONFIG_RUNNER
#include "support/catchsession.h"

#include <catch2/catch.hpp>

int crm::test::runCatchSession(int argc, char* argv[])
{
    return Catch::Session().run(argc, argv);
}
