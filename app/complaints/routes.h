/* The complaints family: its route table, served by ruqima-complaints (main.c). */
#ifndef COMPLAINTS_ROUTES_H
#define COMPLAINTS_ROUTES_H

#include "rq_app.h"

extern const struct rq_app complaints_app;

#endif
