#include "inbox.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_page.h"

const char *const complaints_inbox_statuses[] = {"handed_over", "closed", NULL};

/* Handed-over cases (handed_over_at set), newest first: for an inspector of a stationed
 * group (admin_users.discipline_group) those of its units, for the city level and the city
 * admin all; the clue is the hand-over's record for the case's handlers (row-level security:
 * case_records_app_read). */
static struct rq_stmt st_list = RQ_STMT(
    "complaints_inbox_list",
    "SELECT l.*, c.outcome AS \"determination.outcome\","
    " c.responsible_unit_id::text AS \"determination.responsible_unit_id\","
    " c.responsible_account_id::text AS \"determination.responsible_official_id\","
    " c.measures AS \"determination.measures\", c.handed_over_at, c.disposition,"
    " (SELECT r.data->>'clue' FROM rq.case_records r JOIN rq.case_events e ON e.id = r.event_id"
    "   WHERE r.case_id = c.id AND e.action = 'hand_over' AND r.data ? 'clue'"
    "   ORDER BY r.id DESC LIMIT 1) AS clue"
    " FROM rq.case_lines l JOIN rq.cases c ON c.id = l._id"
    " WHERE c.handed_over_at IS NOT NULL AND l.status = $3 AND l._id < $1::bigint"
    " AND ((SELECT rq.actor_discipline_group()) IS NULL"
    " OR (SELECT u.discipline_group FROM rq.units u WHERE u.id = c.unit_id)"
    " = (SELECT rq.actor_discipline_group()))"
    " ORDER BY l._id DESC LIMIT $2::int",
    3);

RQ_HANDLER(complaints_inbox_list)
{
	static const char *const args[] = {"status", NULL};
	rq_page_list_newest(req, resp, &st_list, args);
}
