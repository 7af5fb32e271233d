/* The reporting family: its route table, served by ruqima-reporting (main.c). */
#ifndef REPORTING_ROUTES_H
#define REPORTING_ROUTES_H

#include "rq_app.h"

extern const struct rq_app reporting_app;

#endif
