// Catch2 runner with a Qt application object, so tests can run event loops, sockets and
// widgets. Without a display the platform defaults to offscreen: a QApplication that cannot
// open a display aborts, and test discovery would then find nothing.
#ifdef CRM_TEST_GUI
#include <QApplication>
using TestApplication = QApplication;
#else
#include <QCoreApplication>
using TestApplication = QCoreApplication;
#endif

#include "models/translations.h"
#include "support/catchsession.h"

#include <cstdlib>

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Tests say what they expect; the realtime layer's info lines would bury Catch's output.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        qputenv("QT_LOGGING_RULES", "crm.*.info=false");
    TestApplication app(argc, argv);
    crm::installTranslations(); // as the apps do: "1 change", "2 changes"
    return crm::test::runCatchSession(argc, argv);
}
