#include "officials_visits.h"

#include "officials.h"
#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

/* The official's visits as the admin may see them (row-level security of rq.visits: a
 * unit admin the visits their unit entered, a county admin those of their county, the city
 * admin all), newest first, as the lines of every visit list (rq.visit_lines); withdrawn
 * ones too, with their status. $1 is the keyset bound (rq_page_before). */
static struct rq_stmt st_official_visits =
    RQ_STMT("admin_official_visits",
	    "SELECT l.* FROM rq.visit_lines l WHERE l._account_id = $3::bigint"
	    " AND l._id < $1::bigint ORDER BY l._id DESC LIMIT $2::int",
	    3);

RQ_HANDLER(admin_officials_visits_list)
{
	struct rq_page page;
	if (rq_page_parse(req, resp, &page) != 0)
		return;
	const char *id = rq_req_param(req, "id");
	if (admin_official_visible(req, resp, id) == NULL)
		return;
	const char *params[] = {rq_page_before(&page), page.limit_s, id};
	PGresult *res = rq_sql_final(req, &st_official_visits, params); /* read-only */
	if (!rq_sql_ok(res)) {
		rq_problem_sql(req, resp, res);
		return;
	}
	rq_page_respond_rows(req, resp, res, &page);
}
