#include "cases.h"

#include "rq_db.h"
#include "rq_input.h"
#include "rq_outcome.h"
#include "rq_page.h"

enum { NOTE_MAX = 2000, REASON_MAX = 500, STATEMENT_MAX = 4000, NAME_MAX = 50, TIME_MAX = 40 };

const char *const complaints_case_statuses[] = {
    "open",	     "follow_up",   "analysis", "investigation",
    "determination", "handed_over", "closed",	NULL};
const char *const complaints_case_sources[] = {"rating", "dispute", "no_scan", NULL};
const char *const complaints_case_classifications[] = {"repeat_inspection",
						       "over_frequency",
						       "quiet_day_breach",
						       "attitude",
						       "solicitation",
						       "no_scan_entry",
						       "false_registration",
						       "misunderstanding_cleared",
						       "other",
						       NULL};
static const char *const methods[] = {"phone", "on_site", "written", NULL};
static const char *const wishes[] = {"apology", "correction", "investigation", "nothing_further",
				     NULL};
static const char *const outcomes[] = {"substantiated", "partly_substantiated", "unsubstantiated",
				       NULL};
static const char *const dispositions[] = {
    "reminder_talk",  "criticism_education", "admonishment", "circulated_criticism",
    "organisational", "transferred",	     "no_action",    NULL};

/* The cases the reader sees (row-level security), newest first by id; $1 the keyset bound
 * (rq_page_before). Generic-plan filters: `$n IS NULL OR ...`. */
static struct rq_stmt st_list = RQ_STMT(
    "complaints_cases_list",
    "SELECT l.* FROM rq.case_lines l"
    " WHERE l._id < $1::bigint"
    " AND ($3::text IS NULL OR l.status = $3) AND ($4::text IS NULL OR l.source = $4)"
    " AND ($5::text IS NULL OR l._county = $5) AND ($6::bigint IS NULL OR l._unit = $6::bigint)"
    " AND ($7::text IS NULL OR l.classification = $7)"
    " AND ($8::date IS NULL OR l.opened_at >= $8::date::timestamptz)"
    " AND ($9::date IS NULL OR l.opened_at < ($9::date + 1)::timestamptz)"
    " AND ($10::boolean IS NULL OR l.overdue = $10::boolean)"
    " ORDER BY l._id DESC LIMIT $2::int",
    10);
static struct rq_stmt st_detail =
    RQ_STMT("complaints_cases_detail", "SELECT rq.case_detail($1::bigint) AS detail", 1);
static struct rq_stmt st_act =
    RQ_STMT("complaints_case_act", "SELECT o.* FROM rq.case_act($1::bigint, $2, $3::jsonb) o", 3);

RQ_HANDLER(complaints_cases_list)
{
	static const char *const args[] = {"status",  "source",		"county",
					   "unit_id", "classification", "from",
					   "to",      "overdue",	NULL};
	rq_page_list_newest(req, resp, &st_list, args);
}

RQ_HANDLER(complaints_cases_get)
{
	const char *params[] = {rq_req_param(req, "id")};
	rq_outcome_json(req, resp, &st_detail, params, "detail", 200, "case-unknown");
}

/* The action's body as checked: a JSON object of the members given, ids as digit strings,
 * photo lists as given (digit strings or whole numbers). Errors name each bad member. */
static cJSON *body_of(struct rq_req *req, const struct complaints_member *m, cJSON *errors)
{
	cJSON *data = cJSON_CreateObject();
	for (; m->name != NULL; m++) {
		const char *v = NULL;
		const char *ids = NULL;
		switch (m->kind) {
		case CM_TEXT:
			v = rq_json_string(req->json, m->name, false, 1, (size_t)m->max, errors);
			break;
		case CM_ENUM:
			v = rq_input_enum(req->json, m->name, m->values, false, errors);
			break;
		case CM_ID:
			(void)rq_input_id_member(req, req->json, m->name, false, "须为编号", &v,
						 errors);
			break;
		case CM_IDS:
			if (rq_input_ids(req, req->json, m->name, m->max, false, &ids, errors) &&
			    ids != NULL)
				cJSON_AddItemToObject(
				    data, m->name,
				    cJSON_Duplicate(
					cJSON_GetObjectItemCaseSensitive(req->json, m->name), 1));
			break;
		}
		if (v != NULL)
			cJSON_AddStringToObject(data, m->name, v);
	}
	return data;
}

void complaints_case_act(struct rq_req *req, struct rq_resp *resp,
			 const struct complaints_action *action, struct rq_stmt *detail)
{
	const char *id = rq_req_param(req, "id");
	cJSON *errors = rq_errors_new();
	cJSON *data = body_of(req, action->members, errors);
	if (rq_problem_if_invalid(req, resp, errors)) {
		cJSON_Delete(data);
		return;
	}
	char *json = cJSON_PrintUnformatted(data);
	cJSON_Delete(data);
	if (json == NULL) {
		rq_problem_internal(req, resp, "could not print an action's body");
		return;
	}
	const char *params[] = {id, action->name, rq_strdup(req->arena, json)};
	cJSON_free(json);
	if (rq_outcome_row(req, resp, rq_sql(req, &st_act, params), NULL, NULL) < 0)
		return;
	const char *p[] = {id};
	rq_outcome_json(req, resp, detail, p, "detail", 200, "case-unknown");
}

#define MEMBERS(...) ((const struct complaints_member[]){__VA_ARGS__, {NULL, CM_TEXT, 0, NULL}})
#define TEXT(n, max)                                                                               \
	{                                                                                          \
		(n), CM_TEXT, (max), NULL                                                          \
	}
#define ENUM(n, values)                                                                            \
	{                                                                                          \
		(n), CM_ENUM, 0, (values)                                                          \
	}
#define ID(n)                                                                                      \
	{                                                                                          \
		(n), CM_ID, 0, NULL                                                                \
	}
#define PHOTOS                                                                                     \
	{                                                                                          \
		"attachment_ids", CM_IDS, 9, NULL                                                  \
	}

/* The determination, with or without the hand-over's clue. */
#define DETERMINATION                                                                              \
	ENUM("outcome", outcomes), ID("responsible_unit_id"), ID("responsible_official_id"),       \
	    TEXT("measures", NOTE_MAX)

static const struct complaints_action accept = {"accept", MEMBERS(ID("handler_id"))};
static const struct complaints_action merge = {
    "merge", MEMBERS(ID("target_case_id"), TEXT("reason", REASON_MAX))};
static const struct complaints_action follow_up = {
    "follow_up", MEMBERS(ENUM("method", methods), TEXT("contacted_at", TIME_MAX),
			 TEXT("contact_person", NAME_MAX), TEXT("enterprise_says", NOTE_MAX),
			 ENUM("wish", wishes))};
static const struct complaints_action close_resolved = {
    "close", MEMBERS(ENUM("classification", complaints_case_classifications),
		     TEXT("explanation", NOTE_MAX))};
static const struct complaints_action investigate = {
    "investigate", MEMBERS(ENUM("classification", complaints_case_classifications),
			   TEXT("question", NOTE_MAX), ID("unit_id"))};
static const struct complaints_action statement = {"statement",
						   MEMBERS(TEXT("text", STATEMENT_MAX))};
static const struct complaints_action refer = {"refer", MEMBERS(TEXT("summary", NOTE_MAX))};
static const struct complaints_action determine = {"determine", MEMBERS(DETERMINATION)};
static const struct complaints_action hand_over = {"hand_over",
						   MEMBERS(DETERMINATION, TEXT("clue", NOTE_MAX))};
static const struct complaints_action dispose = {
    "dispose", MEMBERS(ENUM("disposition", dispositions), TEXT("note", NOTE_MAX))};

RQ_HANDLER(complaints_cases_accept)
{
	complaints_case_act(req, resp, &accept, &st_detail);
}

RQ_HANDLER(complaints_cases_merge)
{
	complaints_case_act(req, resp, &merge, &st_detail);
}

RQ_HANDLER(complaints_cases_follow_up)
{
	complaints_case_act(req, resp, &follow_up, &st_detail);
}

RQ_HANDLER(complaints_cases_close)
{
	complaints_case_act(req, resp, &close_resolved, &st_detail);
}

RQ_HANDLER(complaints_cases_investigate)
{
	complaints_case_act(req, resp, &investigate, &st_detail);
}

RQ_HANDLER(complaints_cases_statement)
{
	complaints_case_act(req, resp, &statement, &st_detail);
}

RQ_HANDLER(complaints_cases_refer)
{
	complaints_case_act(req, resp, &refer, &st_detail);
}

RQ_HANDLER(complaints_cases_determine)
{
	complaints_case_act(req, resp, &determine, &st_detail);
}

RQ_HANDLER(complaints_cases_hand_over)
{
	complaints_case_act(req, resp, &hand_over, &st_detail);
}

RQ_HANDLER(complaints_cases_dispose)
{
	complaints_case_act(req, resp, &dispose, &st_detail);
}
