#pragma once

namespace crm {

// Installs the application's translations: the English plural forms always ("1 change",
// "2 changes"), then the user's language when a translation for it exists. Call once, after
// the application object exists.
void installTranslations();

} // namespace crm
