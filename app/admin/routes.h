/* The admin family: its route table, served by ruqima-admin (main.c). */
#ifndef ADMIN_ROUTES_H
#define ADMIN_ROUTES_H

#include "rq_app.h"

extern const struct rq_app admin_app;

#endif
