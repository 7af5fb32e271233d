/* The evaluation family: its route table, served by ruqima-evaluation (main.c). */
#ifndef EVALUATION_ROUTES_H
#define EVALUATION_ROUTES_H

#include "rq_app.h"

extern const struct rq_app evaluation_app;

#endif
