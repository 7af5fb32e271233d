#include "units.h"

#include "rq_db.h"
#include "rq_page.h"

/* What the profile form (unit_id) and a joint inspection (participating_unit_ids) pick from. */
static struct rq_stmt st_units_active =
    RQ_STMT("registration_units_active",
	    "SELECT id, name, short_name, county_code FROM rq.units"
	    " WHERE active AND id > $1::bigint ORDER BY id LIMIT $2::int",
	    2);

RQ_HANDLER(registration_units_list)
{
	rq_page_list(req, resp, &st_units_active);
}
