/* ruqima-admin's routes: the intranet portal's API (login, portal users, units, the
 * enterprise register, codes, officials, visits and their filings, anonymous raters for
 * discipline inspectors, the audit trail, notifications, the visit-rule policy, the calendar
 * of working days).
 * Each row declares what its path and query parameters must be (checked before the handler). */
#include "routes.h"

#include "rq_auth.h"
#include "rq_page.h"
#include "anonymous_ratings.h"
#include "attachments.h"
#include "audit.h"
#include "calendar.h"
#include "claims.h"
#include "codes.h"
#include "enterprises.h"
#include "enterprises_code.h"
#include "enterprises_disclosure.h"
#include "enterprises_managers.h"
#include "filings.h"
#include "notifications.h"
#include "officials.h"
#include "officials_visits.h"
#include "password.h"
#include "policy.h"
#include "sealed_audit.h"
#include "unit_mappings.h"
#include "units.h"
#include "users.h"
#include "visits.h"

static const char *const city_admin_only[] = {"city_admin", NULL};
static const char *const register_importers[] = {"market_supervision", "city_admin", NULL};
static const char *const register_readers[] = {"market_supervision", "city_admin", "county_admin",
					       NULL};
static const char *const name_verifiers[] = {"county_admin", "city_admin", NULL};
/* enterprise-manager claims without an activation code (county office, city admin); the same
 * see an enterprise in full, with its managers, and end a manager's binding (checked again
 * in SQL) */
static const char *const claim_deciders[] = {"county_admin", "city_admin", NULL};
/* codes: issued, revoked and re-issued by market supervision and city admins (checked again
 * in SQL by the wrappers of app/admin/sql/enterprises_code.sql); county admins read their county's
 */
static const char *const code_managers[] = {"market_supervision", "city_admin", NULL};
/* officials' profiles: read within the admin's scope (RLS, lib/sql/policies.sql); verified by a
 * unit admin of the official's unit or the city admin (checked again in SQL) */
static const char *const official_readers[] = {"unit_admin", "county_admin", "city_admin", NULL};
static const char *const official_verifiers[] = {"unit_admin", "city_admin", NULL};
/* visits: every role row-level security shows visits to (lib/sql/policies.sql); market
 * supervision sees none */
static const char *const visit_readers[] = {
    "unit_admin", "county_admin", "city_admin", "discipline_inspector", "judicial_analyst", NULL};
/* 双报备 filings: their recipients, the unit (its admin) and the discipline group */
static const char *const filing_readers[] = {"unit_admin", "discipline_inspector", NULL};
/* who rated anonymously, and the audit rows sealed for it: discipline inspectors alone */
static const char *const discipline_only[] = {"discipline_inspector", NULL};
/* the audit trail: the city admin, who runs the platform, and discipline inspectors, who
 * supervise it (checked again in rq.audit_page, which hides what each may not see) */
static const char *const audit_readers[] = {"city_admin", "discipline_inspector", NULL};

/* the {id} of the enterprise routes (its name and its code) */
#define ENTERPRISE_ID RQ_INPUTS(RQ_PATH_ID("id", "enterprise-unknown"))
/* the {id} of an official's routes: the official's account id */
#define OFFICIAL_ID RQ_INPUTS(RQ_PATH_ID("id", "official-unknown"))
/* the {id} of a portal user's routes (the city admin's) */
#define USER_ID RQ_INPUTS(RQ_PATH_ID("id", "user-unknown"))
/* the {day} of the calendar routes: YYYY-MM-DD */
#define CALENDAR_DAY RQ_INPUTS(RQ_PATH("day", RQ_PARAM_DATE, "calendar-day-unknown"))

static const struct rq_route routes[] = {
    RQ_ROUTE_HEALTH("admin"),
    RQ_ROUTE("POST", "/api/v1/admin/login", rq_auth_admin_login, RQ_AUTH_NONE, RQ_ROUTE_JSON, NULL,
	     NULL),
    /* every portal user's own password */
    RQ_ROUTE("POST", "/api/v1/admin/password", admin_password_change, RQ_AUTH_ADMIN, RQ_ROUTE_JSON,
	     NULL, RQ_INPUTS(RQ_BODY("current_password"), RQ_BODY("new_password"))),
    RQ_ROUTE("GET", "/api/v1/admin/units", admin_units_list, RQ_AUTH_ADMIN, 0, NULL,
	     RQ_INPUTS(RQ_QUERY_PAGE)),
    RQ_ROUTE("POST", "/api/v1/admin/units", admin_units_create, RQ_AUTH_ADMIN, RQ_ROUTE_JSON,
	     city_admin_only, NULL),
    RQ_ROUTE("PATCH", "/api/v1/admin/units/{id}", admin_units_patch, RQ_AUTH_ADMIN, RQ_ROUTE_JSON,
	     city_admin_only,
	     RQ_INPUTS(RQ_PATH_ID("id", "unit-unknown"), RQ_BODY("name"), RQ_BODY("county_code"),
		       RQ_BODY("discipline_group"), RQ_BODY("active"))),
    /* portal users: the city admin only (checked again in rq.admin_user_change) */
    RQ_ROUTE("GET", "/api/v1/admin/users", admin_users_list, RQ_AUTH_ADMIN, 0, city_admin_only,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("role", rq_admin_roles, NULL),
		       RQ_QUERY("active", RQ_PARAM_BOOL), RQ_QUERY("q", RQ_PARAM_SEARCH))),
    RQ_ROUTE("POST", "/api/v1/admin/users", admin_users_create, RQ_AUTH_ADMIN, RQ_ROUTE_JSON,
	     city_admin_only, NULL),
    RQ_ROUTE("POST", "/api/v1/admin/users/{id}/lock", admin_users_lock, RQ_AUTH_ADMIN, 0,
	     city_admin_only, USER_ID),
    RQ_ROUTE("POST", "/api/v1/admin/users/{id}/unlock", admin_users_unlock, RQ_AUTH_ADMIN, 0,
	     city_admin_only, USER_ID),
    RQ_ROUTE("POST", "/api/v1/admin/users/{id}/reset-password", admin_users_reset_password,
	     RQ_AUTH_ADMIN, 0, city_admin_only, USER_ID),
    RQ_ROUTE("POST", "/api/v1/admin/users/{id}/deactivate", admin_users_deactivate, RQ_AUTH_ADMIN,
	     0, city_admin_only, USER_ID),
    /* the body is CSV, not JSON: no RQ_ROUTE_JSON */
    RQ_ROUTE("POST", "/api/v1/admin/enterprises/import", admin_enterprises_import, RQ_AUTH_ADMIN, 0,
	     register_importers,
	     RQ_INPUTS(RQ_QUERY_MSG("dry_run", RQ_PARAM_BOOL, "must be 1 or 0 (true or false)"),
		       RQ_QUERY_MSG("strict", RQ_PARAM_BOOL, "must be 1 or 0 (true or false)"))),
    RQ_ROUTE("GET", "/api/v1/admin/enterprises", admin_enterprises_list, RQ_AUTH_ADMIN, 0,
	     register_readers,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY("verified", RQ_PARAM_BOOL),
		       RQ_QUERY("county", RQ_PARAM_REGION), RQ_QUERY("in_scope", RQ_PARAM_BOOL),
		       RQ_QUERY("register_name_changed", RQ_PARAM_BOOL),
		       RQ_QUERY("q", RQ_PARAM_SEARCH))),
    RQ_ROUTE("GET", "/api/v1/admin/enterprises/{id}", admin_enterprises_get, RQ_AUTH_ADMIN, 0,
	     claim_deciders, ENTERPRISE_ID),
    RQ_ROUTE("PATCH", "/api/v1/admin/enterprises/{id}", admin_enterprises_patch, RQ_AUTH_ADMIN,
	     RQ_ROUTE_JSON, name_verifiers,
	     RQ_INPUTS(RQ_PATH_ID("id", "enterprise-unknown"), RQ_BODY("name"))),
    RQ_ROUTE("POST", "/api/v1/admin/enterprises/{id}/managers/{binding_id}/unbind",
	     admin_enterprises_managers_unbind, RQ_AUTH_ADMIN, RQ_ROUTE_JSON, claim_deciders,
	     RQ_INPUTS(RQ_PATH_ID("id", "enterprise-unknown"),
		       RQ_PATH_ID("binding_id", "binding-unknown"))),
    RQ_ROUTE("PUT", "/api/v1/admin/enterprises/{id}/disclosure", admin_enterprises_disclosure,
	     RQ_AUTH_ADMIN, RQ_ROUTE_JSON, claim_deciders,
	     RQ_INPUTS(RQ_PATH_ID("id", "enterprise-unknown"), RQ_BODY("opt_out"))),
    RQ_ROUTE("POST", "/api/v1/admin/enterprises/{id}/verify", admin_enterprises_verify,
	     RQ_AUTH_ADMIN, 0, name_verifiers, ENTERPRISE_ID),
    RQ_ROUTE("GET", "/api/v1/admin/claims", admin_claims_list, RQ_AUTH_ADMIN, 0, claim_deciders,
	     RQ_INPUTS(RQ_QUERY_ENUM("status", admin_claim_statuses, "pending"), RQ_QUERY_PAGE)),
    RQ_ROUTE("POST", "/api/v1/admin/claims/{id}/approve", admin_claims_approve, RQ_AUTH_ADMIN, 0,
	     claim_deciders, RQ_INPUTS(RQ_PATH_ID("id", "claim-unknown"))),
    RQ_ROUTE("POST", "/api/v1/admin/claims/{id}/reject", admin_claims_reject, RQ_AUTH_ADMIN,
	     RQ_ROUTE_JSON, claim_deciders, RQ_INPUTS(RQ_PATH_ID("id", "claim-unknown"))),
    RQ_ROUTE("GET", "/api/v1/admin/codes", admin_codes_list, RQ_AUTH_ADMIN, 0, register_readers,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("status", admin_code_statuses, "active"),
		       RQ_QUERY("county", RQ_PARAM_REGION))),
    RQ_ROUTE("POST", "/api/v1/admin/enterprises/{id}/code", admin_enterprises_code_issue,
	     RQ_AUTH_ADMIN, 0, code_managers, ENTERPRISE_ID),
    RQ_ROUTE("POST", "/api/v1/admin/enterprises/{id}/code/revoke", admin_enterprises_code_revoke,
	     RQ_AUTH_ADMIN, RQ_ROUTE_JSON, code_managers, ENTERPRISE_ID),
    RQ_ROUTE("POST", "/api/v1/admin/enterprises/{id}/code/reissue", admin_enterprises_code_reissue,
	     RQ_AUTH_ADMIN, RQ_ROUTE_JSON, code_managers, ENTERPRISE_ID),
    RQ_ROUTE("GET", "/api/v1/admin/codes/print-jobs", admin_codes_print_jobs_list, RQ_AUTH_ADMIN, 0,
	     code_managers,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("status", admin_print_job_statuses, NULL))),
    RQ_ROUTE("POST", "/api/v1/admin/codes/print-jobs", admin_codes_print_job_create, RQ_AUTH_ADMIN,
	     RQ_ROUTE_JSON, code_managers, NULL),
    RQ_ROUTE("GET", "/api/v1/admin/codes/print-jobs/{id}", admin_codes_print_job_get, RQ_AUTH_ADMIN,
	     0, code_managers, RQ_INPUTS(RQ_PATH_ID("id", "print-job-unknown"))),
    RQ_ROUTE("GET", "/api/v1/admin/codes/print-jobs/{id}/download", admin_codes_print_job_download,
	     RQ_AUTH_ADMIN, 0, code_managers, RQ_INPUTS(RQ_PATH_ID("id", "print-job-unknown"))),
    RQ_ROUTE("GET", "/api/v1/admin/officials", admin_officials_list, RQ_AUTH_ADMIN, 0,
	     official_readers,
	     RQ_INPUTS(RQ_QUERY_MSG("unit_id", RQ_PARAM_ID, "must be a unit id"),
		       RQ_QUERY("verified", RQ_PARAM_BOOL), RQ_QUERY("active", RQ_PARAM_BOOL),
		       RQ_QUERY_PAGE)),
    RQ_ROUTE("GET", "/api/v1/admin/officials/{id}", admin_officials_get, RQ_AUTH_ADMIN, 0,
	     official_readers, OFFICIAL_ID),
    RQ_ROUTE("GET", "/api/v1/admin/officials/{id}/visits", admin_officials_visits_list,
	     RQ_AUTH_ADMIN, 0, official_readers,
	     RQ_INPUTS(RQ_PATH_ID("id", "official-unknown"), RQ_QUERY_PAGE)),
    RQ_ROUTE("POST", "/api/v1/admin/officials/{id}/verify", admin_officials_verify, RQ_AUTH_ADMIN,
	     0, official_verifiers, OFFICIAL_ID),
    RQ_ROUTE("POST", "/api/v1/admin/officials/{id}/unverify", admin_officials_unverify,
	     RQ_AUTH_ADMIN, 0, official_verifiers, OFFICIAL_ID),
    RQ_ROUTE("POST", "/api/v1/admin/officials/{id}/deactivate", admin_officials_deactivate,
	     RQ_AUTH_ADMIN, RQ_ROUTE_JSON, official_verifiers, OFFICIAL_ID),
    RQ_ROUTE("POST", "/api/v1/admin/officials/{id}/reactivate", admin_officials_reactivate,
	     RQ_AUTH_ADMIN, 0, official_verifiers, OFFICIAL_ID),
    RQ_ROUTE("GET", "/api/v1/admin/visits", admin_visits_list, RQ_AUTH_ADMIN, 0, visit_readers,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("status", admin_visit_statuses, NULL),
		       RQ_QUERY_ENUM("activity_type", admin_activity_types, NULL),
		       RQ_QUERY("from", RQ_PARAM_DATE), RQ_QUERY("to", RQ_PARAM_DATE),
		       RQ_QUERY_ENUM("source", admin_visit_sources, NULL),
		       RQ_QUERY("enterprise_id", RQ_PARAM_ID), RQ_QUERY("unit_id", RQ_PARAM_ID),
		       RQ_QUERY("official_id", RQ_PARAM_ID),
		       RQ_QUERY_ENUM("flag", admin_visit_flags, NULL))),
    RQ_ROUTE("GET", "/api/v1/admin/visits/{id}", admin_visits_get, RQ_AUTH_ADMIN, 0, visit_readers,
	     RQ_INPUTS(RQ_PATH_ID("id", "visit-unknown"))),
    /* a photo of a visit or a case the reader sees (row-level security), for the portal */
    RQ_ROUTE("GET", "/api/v1/admin/attachments/{id}", admin_attachments_get, RQ_AUTH_ADMIN, 0,
	     visit_readers, RQ_INPUTS(RQ_PATH_ID("id", "attachment-unknown"))),
    RQ_ROUTE("GET", "/api/v1/admin/filings", admin_filings_list, RQ_AUTH_ADMIN, 0, filing_readers,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("phase", admin_filing_phases, NULL))),
    RQ_ROUTE("GET", "/api/v1/admin/anonymous-ratings", admin_anonymous_ratings_list, RQ_AUTH_ADMIN,
	     0, discipline_only, RQ_INPUTS(RQ_QUERY_PAGE)),
    RQ_ROUTE("GET", "/api/v1/admin/sealed-audit", admin_sealed_audit_list, RQ_AUTH_ADMIN, 0,
	     discipline_only, RQ_INPUTS(RQ_QUERY_PAGE)),
    RQ_ROUTE("GET", "/api/v1/admin/audit", admin_audit_list, RQ_AUTH_ADMIN, 0, audit_readers,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY_ENUM("table", admin_audit_tables, NULL),
		       RQ_QUERY("row", RQ_PARAM_SEARCH),
		       RQ_QUERY_ENUM("actor_kind", admin_audit_actor_kinds, NULL),
		       RQ_QUERY("actor_id", RQ_PARAM_SEARCH),
		       RQ_QUERY("request_id", RQ_PARAM_SEARCH),
		       RQ_QUERY_ENUM("operation", admin_audit_operations, NULL),
		       RQ_QUERY("from", RQ_PARAM_DATE), RQ_QUERY("to", RQ_PARAM_DATE))),
    /* every portal user's own notifications (row-level security: the recipient only) */
    RQ_ROUTE("GET", "/api/v1/admin/notifications", admin_notifications_list, RQ_AUTH_ADMIN, 0, NULL,
	     RQ_INPUTS(RQ_QUERY_PAGE, RQ_QUERY("unread", RQ_PARAM_BOOL))),
    RQ_ROUTE("POST", "/api/v1/admin/notifications/{id}/read", admin_notifications_read,
	     RQ_AUTH_ADMIN, 0, NULL, RQ_INPUTS(RQ_PATH_ID("id", "notification-unknown"))),
    /* the visit rules: every portal role reads them, the city admin changes them (checked
     * again in rq.policy_set) */
    RQ_ROUTE("GET", "/api/v1/admin/policy", admin_policy_get, RQ_AUTH_ADMIN, 0, NULL, NULL),
    RQ_ROUTE("PUT", "/api/v1/admin/policy/{key}", admin_policy_put, RQ_AUTH_ADMIN, RQ_ROUTE_JSON,
	     city_admin_only, RQ_INPUTS(RQ_PATH("key", RQ_PARAM_KEY, "policy-key-unknown"))),
    RQ_ROUTE("PUT", "/api/v1/admin/policy/{key}/units/{unit_id}", admin_policy_put_unit,
	     RQ_AUTH_ADMIN, RQ_ROUTE_JSON, city_admin_only,
	     RQ_INPUTS(RQ_PATH_ID("unit_id", "unit-unknown"),
		       RQ_PATH("key", RQ_PARAM_KEY, "policy-key-unknown"))),
    /* the calendar of working days: every portal role reads it, the city admin changes it
     * (checked again in rq.calendar_day_set and rq.calendar_day_delete) */
    RQ_ROUTE(
	"GET", "/api/v1/admin/calendar", admin_calendar_get, RQ_AUTH_ADMIN, 0, NULL,
	RQ_INPUTS(
	    {.name = "year", .in = RQ_IN_QUERY, .type = RQ_PARAM_INT, .min = 2000, .max = 2100})),
    RQ_ROUTE("PUT", "/api/v1/admin/calendar/{day}", admin_calendar_put, RQ_AUTH_ADMIN,
	     RQ_ROUTE_JSON, city_admin_only, CALENDAR_DAY),
    RQ_ROUTE("DELETE", "/api/v1/admin/calendar/{day}", admin_calendar_delete, RQ_AUTH_ADMIN, 0,
	     city_admin_only, CALENDAR_DAY),
    /* the unit names of 慧企通 and their units: the city admin (checked again in
     * rq.unit_mapping_set and rq.unit_mapping_delete) */
    RQ_ROUTE("GET", "/api/v1/admin/unit-mappings", admin_unit_mappings_list, RQ_AUTH_ADMIN, 0,
	     city_admin_only, RQ_INPUTS(RQ_QUERY_PAGE)),
    RQ_ROUTE("POST", "/api/v1/admin/unit-mappings", admin_unit_mappings_set, RQ_AUTH_ADMIN,
	     RQ_ROUTE_JSON, city_admin_only,
	     RQ_INPUTS(RQ_BODY("name"), RQ_BODY("unit_id"), RQ_BODY("source"))),
    RQ_ROUTE("DELETE", "/api/v1/admin/unit-mappings/{id}", admin_unit_mappings_delete,
	     RQ_AUTH_ADMIN, 0, city_admin_only,
	     RQ_INPUTS(RQ_PATH_ID("id", "unit-mapping-unknown"))),
};

const struct rq_app admin_app = {"admin", routes, sizeof(routes) / sizeof(routes[0])};
