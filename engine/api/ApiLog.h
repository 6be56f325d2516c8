#pragma once
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcApi)  // "dn.api", defined in ApiServer.cpp
