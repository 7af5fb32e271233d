/* The registration family: its route table, served by ruqima-registration (main.c). */
#ifndef REGISTRATION_ROUTES_H
#define REGISTRATION_ROUTES_H

#include "rq_app.h"

extern const struct rq_app registration_app;

#endif
