#include "anonymous_ratings.h"

#include "rq_db.h"
#include "rq_page.h"

/* The join with rq.evaluation_raters is the rule: its row-level security shows an anonymous
 * rater to discipline inspectors alone. $1 is the keyset bound (rq_page_before). */
static struct rq_stmt st_list =
    RQ_STMT("admin_anonymous_ratings_list",
	    "SELECT e.visit_id::text AS id, e.enterprise_id::text AS \"enterprise.id\","
	    " en.name AS \"enterprise.name\", e.unit_id::text AS \"unit.id\","
	    " u.name AS \"unit.name\", e.value, rq.rating_label(e.value) AS label, e.comment,"
	    " e.rated_at, e.changed_at, r.account_id::text AS \"rater.account_id\","
	    " r.name AS \"rater.name\", r.phone AS \"rater.phone\","
	    " 'enterprise_manager' AS \"rater.role\", '企业管理人员' AS \"rater.role_label\""
	    " FROM rq.evaluations e"
	    " JOIN rq.evaluation_raters r ON r.visit_id = e.visit_id"
	    " JOIN rq.enterprises en ON en.id = e.enterprise_id JOIN rq.units u ON u.id = e.unit_id"
	    " WHERE e.anonymous AND e.visit_id < $1::bigint"
	    " ORDER BY e.visit_id DESC LIMIT $2::int",
	    2);

RQ_HANDLER(admin_anonymous_ratings_list)
{
	rq_page_list_newest(req, resp, &st_list, NULL);
}
