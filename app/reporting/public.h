/* 双公开: the public disclosure's data (README, "Public disclosure"), for the page /gongkai/
 * that nginx serves. Unauthenticated and cacheable: every answer says Cache-Control public,
 * and nginx keeps it a minute (fastcgi_cache) behind a strict per-address rate limit. The
 * figures and lines come from app/reporting/sql/public.sql, which answers only counts and
 * the fields the policy rows disclosure_* allow. */
#ifndef REPORTING_PUBLIC_H
#define REPORTING_PUBLIC_H

#include "rq_router.h"

/* A page of the public visit list holds at most this many lines. */
enum { REPORTING_PUBLIC_PAGE_MAX = 50 };

extern const char *const reporting_activity_types[];

/* GET /api/v1/reporting/public/months: the twelve months up to this one, newest first, each
 * with its number of visits. */
RQ_HANDLER_DECL(reporting_public_months);
/* GET /api/v1/reporting/public/units?year=&month=: per unit, the month's visits by activity
 * type, joint-inspection participations, ratings and 满意率, cases closed by outcome, and
 * the city's totals (this month when year and month are not given; both or neither: 400
 * naming the missing one). */
RQ_HANDLER_DECL(reporting_public_units);
/* GET /api/v1/reporting/public/visits?year=&month=&unit_id=&activity_type=&after=&limit=:
 * the month's visits newest first, each with what the policy allows (400 as above). */
RQ_HANDLER_DECL(reporting_public_visits);
/* GET /api/v1/reporting/public/audit-seals?after=&limit=: the audit chain's seals newest
 * first (id, time, seq, row hash, reason), so that anyone can keep one and later ask the
 * platform to prove its log since then (app/DESIGN.md §7). */
RQ_HANDLER_DECL(reporting_public_audit_seals);

#endif
