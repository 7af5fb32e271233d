#include "filings.h"

#include "rq_db.h"
#include "rq_page.h"

#include <string.h>

const char *const admin_filing_phases[] = {"before", "after", NULL};

/* A filing's line: one level of nesting by column name ("visit.id"), printed by the pool
 * (rq_json_row). The visit is read through row-level security too (it always shows: a
 * filing's recipient sees its visit). $1 is the keyset bound (rq_page_before). */
#define FILING_LINE                                                                                \
	"SELECT f.id::text AS id, f.phase,"                                                        \
	" CASE f.phase WHEN 'before' THEN '事前报备' ELSE '事后报备' END AS phase_label,"  \
	" f.recipient, f.unit_id::text AS \"unit.id\", u.name AS \"unit.name\","                   \
	" f.discipline_group, f.filed_at, v.id::text AS \"visit.id\","                             \
	" rq.visit_status(v) AS \"visit.status\", e.name AS \"visit.enterprise_name\","            \
	" v.official_name AS \"visit.official_name\", v.activity_type AS \"visit.activity_type\"," \
	" rq.activity_label(v.activity_type) AS \"visit.activity_label\","                         \
	" v.matter AS \"visit.matter\", v.entered_at AS \"visit.entered_at\","                     \
	" CASE WHEN f.phase = 'after' THEN jsonb_build_object('done', v.result_done,"              \
	" 'findings', v.result_findings, 'measures', v.result_measures) END AS result"             \
	" FROM rq.filings f JOIN rq.units u ON u.id = f.unit_id"                                   \
	" JOIN rq.visits v ON v.id = f.visit_id JOIN rq.enterprises e ON e.id = v.enterprise_id"
#define FILINGS_PAGE                                                                               \
	" AND f.id < $1::bigint AND ($3::text IS NULL OR f.phase = $3)"                            \
	" ORDER BY f.id DESC LIMIT $2::int"
static struct rq_stmt st_unit =
    RQ_STMT("admin_filings_unit",
	    FILING_LINE " WHERE f.recipient = 'unit'"
			" AND f.unit_id = rq.actor_unit_scope()" FILINGS_PAGE,
	    3);
/* An inspector without a group is of the city level: every group's filings. */
static struct rq_stmt st_group =
    RQ_STMT("admin_filings_group",
	    FILING_LINE " WHERE f.recipient = 'discipline_group'"
			" AND rq.actor_admin_role() = 'discipline_inspector'"
			" AND (rq.actor_discipline_group() IS NULL"
			" OR f.discipline_group = rq.actor_discipline_group())" FILINGS_PAGE,
	    3);

RQ_HANDLER(admin_filings_list)
{
	static const char *const args[] = {"phase", NULL};
	bool unit_admin = strcmp(req->actor.role, "unit_admin") == 0;
	rq_page_list_newest(req, resp, unit_admin ? &st_unit : &st_group, args);
}
