#include "ui/uilogging.h"

Q_LOGGING_CATEGORY(lcUi, "crm.ui", QtInfoMsg)
