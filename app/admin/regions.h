/* The city's regions (its districts, counties and functional zones): what a unit, a county
 * admin and an enterprise are placed in, for the portal's choices. */
#ifndef ADMIN_REGIONS_H
#define ADMIN_REGIONS_H

#include "rq_router.h"

/* GET /api/v1/admin/regions: 200 {items: [{code, name, kind (city, district, county, zone),
 * parent_code}]}, the city first, then by code. Every portal role (reference data). */
RQ_HANDLER_DECL(admin_regions_list);

#endif
