/* The rules that flag a visit at its registration (rq.visits.flags, lib/sql/visits.sql): the
 * values the lists that filter by flag accept, one list for every family. */
#ifndef RQ_VISIT_FLAGS_H
#define RQ_VISIT_FLAGS_H

#define RQ_VISIT_RULE_FLAGS                                                                        \
	"far_away", "location_refused", "backfill", "official_unverified", "quiet_day_exemption",  \
	    "inspection_over_cap", "frequency_day", "frequency_week", "frequency_month"

#endif
