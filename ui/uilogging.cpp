#include "ui/uilogging.h"

Q_LOGGING_CATEGORY(lcUi, "crm.ui", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUiNotify, "crm.ui.notify", QtInfoMsg)
