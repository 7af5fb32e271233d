#include "rq_outcome.h"

#include "rq_arena.h"
#include "rq_db.h"
#include "rq_log.h"

#include <string.h>

enum { ARGS_MAX = 9 };

enum outcome_flags {
	RETRY_AFTER = 1u << 0, /* {1} is also the Retry-After header (seconds) */
	/* {4} is the comma-separated names of the actions the caller may take now: also the
	 * problem's allowed_actions array (the refusals of rq.case_act) */
	ALLOWED_ACTIONS = 1u << 1,
	/* {5}.. are the names of the fields it is about: each one in errors[] */
	FIELDS_FROM_ARGS = 1u << 2,
};

struct refusal {
	const char *name;
	int status;
	const char *type, *title; /* for programs */
	const char *detail;	  /* for people: Chinese, {1}..{9} take the arguments */
	const char *field;	  /* the request field it is about, or NULL */
	unsigned flags;
};

#define NOT_FOUND(name, detail)                                                                    \
	{                                                                                          \
		name, 404, "not-found", "Not found", detail, NULL, 0                               \
	}
#define INVALID(name, field, detail)                                                               \
	{                                                                                          \
		name, 422, "validation", "Invalid request", detail, field, 0                       \
	}

/* Every refusal, by family; a name is unique across the table (test_outcome checks it). */
static const struct refusal refusals[] = {
    /* every family: the JSON body (lib/rq_input.c) and the logins (lib/rq_auth.c) */
    {"duplicate-key", 400, "duplicate-key", "Duplicate key",
     "请求体中的字段 {1} 出现了不止一次：每个字段只能出现一次", NULL, 0},
    {"unknown-field", 400, "unknown-field", "Unknown field",
     "此接口不接受字段 {1}；可提交的字段：{2}", NULL, 0},
    {"wechat-not-configured", 503, "wechat-not-configured", "WeChat not configured",
     "平台尚未配置微信小程序（AppID 和 AppSecret），暂时无法用微信登录，请联系平台运维人员", NULL,
     0},
    /* the registration family */
    NOT_FOUND("attachment-unknown", "没有这张照片"),
    {"visit-unknown", 404, "visit-unknown", "Visit unknown", "没有这条入企记录，或您无权查看", NULL,
     0},
    {"code-unknown", 404, "code-unknown", "Unknown code", "没有这个公务入企码，请重新扫码", NULL,
     0},
    {"visit-code-unknown", 404, "code-unknown", "Unknown code",
     "未找到这个公务入企码，请确认扫描的是本市企业张贴的公务入企码", "token", 0},
    {"code-revoked", 410, "code-revoked", "Code revoked",
     "该公务入企码已于 {1} 作废，无法登记；请联系企业或属地营商办获取新码", "token", 0},
    {"enterprise-not-operating", 422, "enterprise-not-operating", "Enterprise not operating",
     "企业“{1}”不在正常经营状态（{2}），不能登记入企", "token", 0},
    {"profile-missing", 409, "profile-missing", "Profile missing",
     "初次扫码：请先填写个人信息（姓名、单位、职务、执法证号、手机号）再进行入企登记", NULL, 0},
    {"profile-unknown", 404, "profile-missing", "Profile missing",
     "尚未填写个人信息：请先填写姓名、单位、职务、执法证号、手机号，再进行入企登记", NULL, 0},
    {"idempotency-key-invalid", 400, "bad-request", "Bad request",
     "须提供 Idempotency-Key：8 到 100 个字符（A-Z a-z 0-9 _ . : -），每次登记用新值，重试时用原值",
     "Idempotency-Key", 0},
    {"idempotency-key-reused", 422, "idempotency-key-reused", "Idempotency key reused",
     "这个 Idempotency-Key 已用于另一份不同的登记；新的登记请使用新的 Idempotency-Key",
     "Idempotency-Key", 0},
    INVALID("participating-units-invalid", "participating_unit_ids",
	    "参与单位须是有效单位，且不能是牵头单位（扫码人所在单位）本身"),
    INVALID("visit-attachments-unusable", "attachment_ids",
	    "照片须是您本人上传、且未用于其他登记的照片"),
    {"certificate-required", 422, "certificate-required", "Certificate required",
     "登记执法检查须持有执法证：请先在个人信息中填写执法证号", "activity_type", 0},
    INVALID("entered-at-invalid", "entered_at", "实际入企时间格式不正确"),
    INVALID("entered-at-future", "entered_at", "实际入企时间不能晚于现在"),
    INVALID("backfill-reason-required", "backfill_reason",
	    "补登记（实际入企时间早于现在）须说明原因，如现场无网络、紧急情况"),
    {"backfill-too-late", 422, "backfill-too-late", "Back-fill too late",
     "补登记须在入企后 {1} 天内完成，本次已超过期限，不能登记", "entered_at", 0},
    {"quiet-day", 422, "quiet-day", "Quiet day",
     "每月 {1}–{2} 日为企业无扰日，原则上不开展现场执法检查。确需检查的，请选择例外情形（国家安全、"
     "公共安全、投诉举报、事故或突发事件、上级交办、企业申请、现场许可核查、转办移送）并说明理由",
     "exemption", 0},
    {"inspection-cap", 422, "inspection-cap", "Yearly inspection cap reached",
     "这将是{1}今年对该企业的第 {2} 次现场执法检查，超过每年 {3} 次的上限。确需检查的，请填写理由"
     "（将被标记复核）",
     "over_cap_reason", 0},
    {"edit-window-closed", 409, "edit-window-closed", "Edit window closed",
     "登记 {1} 小时后不能再修改事项和证件照片", NULL, 0},
    {"already-finished", 409, "already-finished", "Already finished",
     "该次入企已提交事后报备，不能重复提交", NULL, 0},
    {"attachment-quota", 429, "attachment-quota", "Too many photos",
     "每个账号 24 小时内最多上传 {1} 张照片，请稍后再试", NULL, 0},
    {"official-deactivated", 403, "official-deactivated", "Official deactivated",
     "您的入企人员身份已被本单位管理员停用，不能登记入企；如有疑问请联系本单位管理员", NULL, 0},
    {"unit-inactive", 422, "unit-inactive", "Unit inactive",
     "您所在的单位“{1}”已停用，不能以该单位登记入企；请先在个人信息中改为现在所在的单位", NULL, 0},
    {"visit-withdrawn", 409, "visit-withdrawn", "Visit withdrawn",
     "该次入企登记已由入企人员撤回，不能再进行此操作", NULL, 0},
    {"already-withdrawn", 409, "already-withdrawn", "Already withdrawn",
     "该次入企登记已经撤回，不能重复撤回", NULL, 0},
    {"withdraw-answered", 409, "visit-answered", "Visit answered",
     "企业已确认该次入企或已提出异议，登记不能再撤回；如有出入，请在事后报备中说明", NULL, 0},
    {"visit-imported", 409, "visit-imported", "Visit imported",
     "这是从慧企通导入的历史入企记录，不能确认、提出异议或评价", NULL, 0},
    {"withdraw-finished", 409, "already-finished", "Already finished",
     "该次入企已提交事后报备，登记不能再撤回", NULL, 0},
    {"withdraw-window-closed", 409, "withdraw-window-closed", "Withdrawal window closed",
     "登记后 {1} 分钟内才能撤回，本次登记已超过时限", NULL, 0},
    {"attachment-media-type", 415, "unsupported-media-type", "Unsupported media type",
     "请直接上传照片本身，类型为 image/jpeg、image/png 或 application/octet-stream", NULL, 0},
    /* portal login (lib/rq_auth.c): too many failures from this address, for this name */
    {"login-throttled", 429, "login-throttled", "Too many login attempts",
     "登录失败次数过多，请于 {1} 秒后再试；如急需登录，可请市营商办管理员解锁账号", NULL,
     RETRY_AFTER},
    /* the evaluation family */
    {"enterprise-visit-unknown", 404, "visit-unknown", "Visit unknown",
     "没有这条入企记录，或该企业不是您当前管理的企业", NULL, 0},
    NOT_FOUND("enterprise-not-managed", "您不是这家企业的管理人员"),
    {"notification-unknown", 404, "notification-unknown", "Notification unknown",
     "没有这条属于您的通知", NULL, 0},
    {"code-not-issued", 404, "code-not-issued", "No code yet",
     "这家企业目前没有有效的公务入企码，暂时不能打印海报", NULL, 0},
    {"claim-refused", 403, "claim-refused", "Claim refused",
     "统一社会信用代码（在建项目为项目代码）和法定代表人（或项目单位）与登记在册的企业对不上，"
     "请核对后再试（24 小时内还可尝试 {1} 次）",
     NULL, 0},
    {"enterprise-out-of-scope", 422, "enterprise-out-of-scope", "Enterprise out of scope",
     "个体工商户不在公务入企码的赋码范围内，不能认证", "uscc", 0},
    {"enterprise-not-claimable", 422, "enterprise-not-active", "Enterprise not active",
     "这家企业不在正常经营状态，不能认证", NULL, 0},
    {"already-bound", 409, "already-bound", "Already bound", "您已是这家企业的管理人员，无需再认证",
     NULL, 0},
    {"claim-pending", 409, "claim-pending", "Claim pending",
     "您对这家企业的认证申请正在等待县区审核，请耐心等待", NULL, 0},
    {"activation-code-invalid", 403, "activation-code-invalid", "Activation code invalid",
     "激活码不正确，或已被使用、已作废（24 小时内还可尝试 {1} 次）", NULL, 0},
    {"claim-attempts", 429, "claim-attempts", "Too many attempts",
     "认证这家企业失败的次数过多，已暂停认证，请于 {3}（约 {2} 小时后）再试", NULL, RETRY_AFTER},
    {"claim-attempts-account", 429, "claim-attempts", "Too many attempts",
     "您的账号 24 小时内认证企业失败的次数过多，已暂停认证，请于 {3}（约 {2} 小时后）再试", NULL,
     RETRY_AFTER},
    {"no-enterprise-selected", 409, "no-enterprise-selected", "No enterprise selected",
     "请先认证企业，或在“切换企业”中选择一家您管理的企业", NULL, 0},
    {"already-answered", 409, "already-answered", "Already answered",
     "该次入企已确认或已提出异议，不能再更改", NULL, 0},
    {"visit-not-confirmed", 409, "visit-not-confirmed", "Visit not confirmed",
     "请先确认该次入企属实，再进行评价", NULL, 0},
    {"rating-window-closed", 409, "rating-window-closed", "Rating window closed",
     "已超过评价期限，不能再评价该次入企", NULL, 0},
    {"already-rated", 409, "already-rated", "Already rated",
     "该次入企已评价；评价人可在规定时限内修改一次", NULL, 0},
    {"not-rated", 404, "not-rated", "Not rated", "该次入企尚未评价", NULL, 0},
    {"not-the-rater", 403, "not-the-rater", "Not the rater", "只有评价人本人可以修改评价", NULL, 0},
    {"rating-already-changed", 409, "rating-already-changed", "Rating already changed",
     "评价只能修改一次，已修改过", NULL, 0},
    {"rating-change-closed", 409, "rating-change-closed", "Rating change closed",
     "评价提交已超过可修改时限，不能再修改", NULL, 0},
    INVALID("no-scan-time-malformed", "occurred_at",
	    "时间格式不正确，应如 2026-11-25T09:30:00+08:00"),
    INVALID("no-scan-time-future", "occurred_at", "发生时间不能晚于现在"),
    INVALID("no-scan-unit-unknown", "unit_id", "没有这个单位，请重新选择"),
    INVALID("no-scan-attachments-unusable", "attachment_ids",
	    "只能选择您本人上传、且尚未用于其他记录的照片"),
    /* the reporting family */
    NOT_FOUND("report-run-unknown", "没有这次报表运行，或您无权查看"),
    NOT_FOUND("report-file-unknown", "这次报表运行没有可下载的 {1} 文件"),
    NOT_FOUND("export-job-unknown", "没有这个导出任务，或它不是您提交的"),
    {"export-job-not-done", 409, "export-job-not-done", "Export job not done",
     "导出任务当前状态为“{1}”：生成完成后才能下载", NULL, 0},
    {"statistics-range", 400, "bad-request", "Bad request",
     "统计期间的起始日期（from）不能晚于截止日期（to）", "to", 0},
    /* the statistics read on a replica (RUQIMA_STATS_DSN): none rather than stale ones */
    {"replica-unavailable", 503, "replica-unavailable", "Replica unavailable",
     "统计数据所在的只读副本数据库暂时无法连接，为免给出过时的数字，暂停提供统计，请 {1} "
     "秒后重试",
     NULL, RETRY_AFTER},
    {"replica-lagging", 503, "replica-lagging", "Replica lagging",
     "统计数据所在的只读副本落后主库 {2} 秒（上限 {3} 秒），为免给出过时的数字，暂停提供统计，"
     "请 {1} 秒后重试",
     NULL, RETRY_AFTER},
    /* the admin family */
    NOT_FOUND("claim-unknown", "没有这条认证申请"),
    NOT_FOUND("enterprise-unknown", "没有这家企业"),
    NOT_FOUND("print-job-unknown", "没有这个打印任务"),
    NOT_FOUND("official-unknown", "没有这名入企人员"),
    NOT_FOUND("policy-key-unknown", "没有这项规则阈值"),
    NOT_FOUND("unit-unknown", "没有这个单位"),
    NOT_FOUND("binding-unknown", "这家企业没有这条管理人员绑定"),
    {"binding-ended", 409, "binding-ended", "Binding ended",
     "该管理人员与企业的绑定已经解除，无需再解除", NULL, 0},
    {"claim-enterprise-out-of-scope", 422, "enterprise-out-of-scope", "Enterprise out of scope",
     "个体工商户不在公务入企码的赋码范围内，不能通过认证", NULL, 0},
    {"code-enterprise-out-of-scope", 422, "enterprise-out-of-scope", "Enterprise out of scope",
     "个体工商户（统一社会信用代码以 92 开头）不在公务入企码的赋码范围内，不发码", NULL, 0},
    NOT_FOUND("user-unknown", "没有这个门户用户"),
    {"unit-name-taken", 409, "unit-name-taken", "Unit name taken",
     "同一县区（市直单位为同一级）已有名为“{1}”的单位", "name", 0},
    {"username-taken", 409, "username-taken", "Username taken", "用户名“{1}”已被使用", "username",
     0},
    {"user-self", 409, "user-self", "Own account",
     "不能锁定或停用自己的账号；请由另一位市级管理员操作", NULL, 0},
    {"user-inactive", 409, "user-inactive", "User inactive",
     "该用户已停用，不能再锁定、解锁、重置密码或停用", NULL, 0},
    INVALID("password-wrong", "current_password", "当前密码不正确"),
    INVALID("password-unchanged", "new_password", "新密码不能与当前密码相同"),
    {"claim-decided", 409, "claim-decided", "Claim decided",
     "该认证申请已经审核过（已通过或已驳回）", NULL, 0},
    {"claim-enterprise-not-active", 422, "enterprise-not-active", "Enterprise not active",
     "企业已不在正常经营状态，不能通过认证", NULL, 0},
    {"code-enterprise-not-active", 422, "enterprise-not-active", "Enterprise not active",
     "企业不在正常经营状态（登记状态：{1}），不发公务入企码", NULL, 0},
    {"name-not-verified", 422, "name-not-verified", "Name not verified",
     "企业名称尚未核对，县区营商办核对后才能发码", NULL, 0},
    {"code-active", 409, "code-active", "Code active",
     "企业已有有效的公务入企码（{1}）：请先作废；海报遗失或损坏的，请补发", NULL, 0},
    {"no-code-to-replace", 409, "no-active-code", "No active code",
     "企业没有可补发的有效公务入企码，请直接发码", NULL, 0},
    {"no-code-to-revoke", 409, "no-active-code", "No active code", "企业没有可作废的有效公务入企码",
     NULL, 0},
    INVALID("policy-value-out-of-range", "value", "须为 {1} 到 {2} 之间的整数{3}"),
    {"policy-not-overridable", 422, "policy-not-overridable", "Not overridable per unit",
     "这项阈值全市统一，不能按单位设置（只有 inspection_year_max 可以）", "key", 0},
    /* the calendar of working days (lib/sql/calendar.sql) */
    NOT_FOUND("calendar-day-unknown",
	      "日历中没有这一天的记录（没有记录的日子按周一至周五为工作日的规则计算）"),
    INVALID("calendar-kind-invalid", "kind", "类型须为 holiday（放假）或 workday（调休上班）"),
    INVALID("calendar-name-invalid", "name",
	    "名称须为 1 到 40 个字符（不含换行等控制字符），如“春节”“春节调休上班”"),
    INVALID("calendar-workday-weekday", "kind",
	    "{1} 是{2}：调休上班日须是周六或周日（周一至周五本来就是工作日）"),
    /* the unit names of 慧企通 and their units (lib/sql/unit_mappings.sql) */
    NOT_FOUND("unit-mapping-unknown", "没有这条单位对应关系"),
    INVALID("unit-mapping-name-invalid", "name",
	    "单位名称须为 1 到 100 个字符（不含换行等控制字符），与慧企通记录中的写法一致"),
    INVALID("mapping-unit-unknown", "unit_id", "没有这个单位"),
    /* the complaints family: rq.case_act's refusals carry {1} the action, {2} the case's
     * status, {3} what the caller may do now (Chinese), {4} the same as names */
    {"case-unknown", 404, "case-unknown", "Case unknown", "没有这个案件，或您无权查看", NULL, 0},
    {"case-action-forbidden", 403, "case-action-forbidden", "Action not allowed for your role",
     "您无权对该案件进行“{1}”。您现在可以进行的操作：{3}", NULL, ALLOWED_ACTIONS},
    {"case-action-not-now", 409, "case-action-not-now", "Action not allowed in this status",
     "案件当前为“{2}”，不能进行“{1}”。您现在可以进行的操作：{3}", NULL, ALLOWED_ACTIONS},
    {"case-statement-not-requested", 409, "case-statement-not-requested", "No statement requested",
     "该案件没有待本单位提交的情况说明。您现在可以进行的操作：{3}", NULL, ALLOWED_ACTIONS},
    {"case-already-appealed", 409, "case-already-appealed", "Already appealed",
     "本次调查中您已提交过申诉说明。您现在可以进行的操作：{3}", NULL, ALLOWED_ACTIONS},
    {"case-statement-pending", 409, "case-statement-pending", "Statement pending",
     "单位情况说明尚未提交，且未到提交期限，暂不能提请审核认定。您现在可以进行的操作：{3}", NULL,
     ALLOWED_ACTIONS},
    {"case-merged", 409, "case-merged", "Case merged",
     "该案件已合并至其他案件办理，请对合并后的案件进行评价。您现在可以进行的操作：{3}", NULL,
     ALLOWED_ACTIONS},
    {"case-already-rated", 409, "case-already-rated", "Already rated",
     "您已对本次办理结果作出评价。您现在可以进行的操作：{3}", NULL, ALLOWED_ACTIONS},
    {"case-reopened-once", 409, "case-reopened-once", "Reopened once already",
     "该案件已重新办理过一次，不能再次重新办理。您现在可以进行的操作：{3}", NULL, ALLOWED_ACTIONS},
    {"case-reopen-window-closed", 409, "case-reopen-window-closed", "Reopen window closed",
     "办结已超过可申请重新办理的期限。您现在可以进行的操作：{3}", NULL, ALLOWED_ACTIONS},
    {"case-fields-required", 422, "validation", "Invalid request",
     "“{1}”有必填项未填写（见 errors）。您现在可以进行的操作：{3}", NULL,
     FIELDS_FROM_ARGS | ALLOWED_ACTIONS},
    {"case-handler-invalid", 422, "validation", "Invalid request",
     "承办人须是本县区营商办或市营商办的在用账号", "handler_id", ALLOWED_ACTIONS},
    {"case-merge-target-invalid", 422, "validation", "Invalid request",
     "合并目标须是同一企业（或同一次入企）尚未办结的另一案件", "target_case_id", ALLOWED_ACTIONS},
    {"case-unit-required", 422, "validation", "Invalid request",
     "案件尚无涉及单位，请选择要求提交情况说明的单位", "unit_id", ALLOWED_ACTIONS},
    {"case-responsible-unit-required", 422, "validation", "Invalid request",
     "认定属实或部分属实须指明责任单位", "responsible_unit_id", ALLOWED_ACTIONS},
    {"case-official-unknown", 422, "validation", "Invalid request",
     "没有这名入企人员，请从入企人员名单中选择", "responsible_official_id", ALLOWED_ACTIONS},
    {"case-time-malformed", 422, "validation", "Invalid request",
     "回访时间格式不正确或晚于现在，应如 2026-11-25T09:30:00+08:00", "contacted_at",
     ALLOWED_ACTIONS},
    {"case-attachments-unusable", 422, "validation", "Invalid request",
     "只能选择您本人上传、且尚未用于其他记录的照片", "attachment_ids", ALLOWED_ACTIONS},
};

static const struct refusal *find(const char *name)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(refusals[i].name, name) == 0)
			return &refusals[i];
	return NULL;
}

bool rq_outcome_known(const char *name)
{
	return name != NULL && find(name) != NULL;
}

/* The detail with {1}..{9} replaced by args (a missing argument leaves the text empty). */
static const char *fill(struct rq_arena *a, const char *tmpl, const char *const *args)
{
	size_t nargs = 0;
	while (args != NULL && nargs < ARGS_MAX && args[nargs] != NULL)
		nargs++;
	if (nargs == 0 && strchr(tmpl, '{') == NULL)
		return tmpl;
	const char *out = "";
	for (const char *p = tmpl; *p != '\0';) {
		const char *open = strchr(p, '{');
		if (open == NULL || open[1] < '1' || open[1] > '9' || open[2] != '}') {
			size_t n = open == NULL ? strlen(p) : (size_t)(open - p) + 1;
			out = rq_printf(a, "%s%.*s", out, (int)n, p);
			p += n;
			continue;
		}
		size_t i = (size_t)(open[1] - '1');
		out = rq_printf(a, "%s%.*s%s", out, (int)(open - p), p, i < nargs ? args[i] : "");
		p = open + 3;
	}
	return out;
}

/* {"allowed_actions": [...]} from args[3], the comma-separated names ("" for none). */
static cJSON *allowed_actions(struct rq_arena *a, const char *const *args)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(o, "allowed_actions");
	size_t nargs = 0;
	while (args != NULL && nargs < 4 && args[nargs] != NULL)
		nargs++;
	for (const char *p = nargs == 4 ? args[3] : ""; *p != '\0';) {
		const char *comma = strchr(p, ',');
		size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		cJSON_AddItemToArray(list, cJSON_CreateString(rq_strndup(a, p, n)));
		p += comma != NULL ? n + 1 : n;
	}
	return o;
}

void rq_outcome_refuse(struct rq_req *req, struct rq_resp *resp, const char *name,
		       const char *const *args, cJSON *errors)
{
	const struct refusal *r = name != NULL ? find(name) : NULL;
	if (r == NULL) {
		cJSON_Delete(errors);
		rq_problem_internal(req, resp, rq_printf(req->arena, "unknown outcome %s", name));
		return;
	}
	const char *detail = fill(req->arena, r->detail, args);
	if (errors == NULL && r->field != NULL) {
		errors = rq_errors_new();
		rq_errors_add(errors, r->field, detail);
	}
	if (errors == NULL && (r->flags & FIELDS_FROM_ARGS) && args != NULL) {
		errors = rq_errors_new();
		size_t n = 0;
		while (n < ARGS_MAX && args[n] != NULL)
			n++;
		for (size_t i = 4; i < n; i++)
			rq_errors_add(errors, args[i], RQ_MSG_REQUIRED);
	}
	cJSON *members = NULL;
	if (r->flags & ALLOWED_ACTIONS)
		members = allowed_actions(req->arena, args);
	rq_problem_members(req, resp, r->status, r->type, r->title, detail,
			   errors != NULL ? errors : rq_errors_new(), members);
	if ((r->flags & RETRY_AFTER) && args != NULL && args[0] != NULL)
		rq_resp_header(resp, "Retry-After", args[0]);
}

/* args, a JSON array of strings, as a NULL-terminated array in the arena. */
static const char *const *args_of(struct rq_arena *a, const char *json)
{
	cJSON *arr = json != NULL ? cJSON_Parse(json) : NULL;
	const char **out = rq_alloc(a, (ARGS_MAX + 1) * sizeof(*out));
	size_t n = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		if (n == ARGS_MAX)
			break;
		out[n++] = cJSON_IsString(it) ? rq_strdup(a, it->valuestring) : "";
	}
	out[n] = NULL;
	cJSON_Delete(arr);
	return out;
}

const char *rq_outcome_text(struct rq_arena *a, const char *name, const char *args_json,
			    const char **field)
{
	const struct refusal *r = name != NULL ? find(name) : NULL;
	*field = r != NULL ? r->field : NULL;
	return r != NULL ? fill(a, r->detail, args_of(a, args_json)) : NULL;
}

int rq_outcome_row(struct rq_req *req, struct rq_resp *resp, PGresult *res,
		   const char *const *successes, const char **data)
{
	static const char *const ok[] = {"ok", NULL};
	if (!rq_sql_one(req, resp, res))
		return -1;
	const char *outcome = rq_sql_val(res, 0, "outcome");
	if (outcome == NULL) {
		rq_problem_internal(req, resp, "a write function answered no outcome");
		return -1;
	}
	if (successes == NULL)
		successes = ok;
	for (int i = 0; successes[i] != NULL; i++)
		if (strcmp(outcome, successes[i]) == 0) {
			if (data != NULL) {
				const char *d = rq_sql_val(res, 0, "data");
				*data = d != NULL ? rq_strdup(req->arena, d) : NULL;
			}
			return i;
		}
	rq_outcome_refuse(req, resp, outcome, args_of(req->arena, rq_sql_val(res, 0, "args")),
			  NULL);
	return -1;
}

void rq_outcome_json(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
		     const char *const *params, const char *col, int status, const char *unknown)
{
	PGresult *res = rq_sql(req, st, params);
	if (!rq_sql_one(req, resp, res))
		return;
	cJSON *json = rq_sql_json(res, 0, col);
	if (json == NULL) {
		rq_outcome_refuse(req, resp, unknown, NULL, NULL);
		return;
	}
	rq_resp_json(req, resp, status, json);
}

void rq_outcome_put(struct rq_req *req, struct rq_resp *resp, struct rq_stmt *st,
		    const char *const *params)
{
	const char *data = NULL;
	if (rq_outcome_row(req, resp, rq_sql(req, st, params), NULL, &data) != 0)
		return;
	cJSON *row = data != NULL ? cJSON_Parse(data) : NULL;
	if (row == NULL) {
		rq_problem_internal(req, resp, "the write answered no row");
		return;
	}
	const cJSON *change = cJSON_GetObjectItemCaseSensitive(row, "change");
	bool inserted = cJSON_IsString(change) && strcmp(change->valuestring, "inserted") == 0;
	rq_resp_json(req, resp, inserted ? 201 : 200, row);
}
