/* Visits registered by officials: scan-and-register with the city's rules (the rules
 * themselves are in rq.visit_register, app/registration/sql/visits.sql), own list and
 * detail, later edits, the after-visit result, and the official's card for the enterprise
 * (亮证). Refusals are named as in lib/rq_outcome.c's table. */
#ifndef REGISTRATION_VISITS_H
#define REGISTRATION_VISITS_H

#include "rq_router.h"

/* The activity types of a visit (visit, research, inspection), NULL-terminated. */
extern const char *const registration_activity_types[];

/* POST /api/v1/registration/visits {token, activity_type, matter, legal_basis?, companions?,
 * joint_kind?, participating_unit_ids?, attachment_ids?, location, exemption?,
 * over_cap_reason?, entered_at?, backfill_reason?} with an Idempotency-Key header: answers
 * 201 {visit, flags, warnings} with Location (rq.visit_register's "ok"; or its "replayed",
 * the stored first answer, with Idempotent-Replayed: true, for a retry with the same key
 * and body). Raises 400 idempotency-key-invalid when the header is missing or malformed;
 * 422 validation naming each malformed field (before the database is asked); then the
 * refusals of rq.visit_register (nothing written): 409 profile-missing, 403
 * official-deactivated (by the unit admin), 422 unit-inactive (the profile's unit), 404
 * visit-code-unknown, 410 code-revoked, 422 enterprise-not-operating, certificate-required,
 * quiet-day, inspection-cap, backfill-too-late, validation (entered-at-invalid,
 * entered-at-future, backfill-reason-required, participating-units-invalid,
 * visit-attachments-unusable) and idempotency-key-reused (the same key with another
 * body). */
RQ_HANDLER_DECL(registration_visits_create);
/* GET /api/v1/registration/visits?from=&to=&activity_type=&after=&limit=: answers 200
 * {items, next_after} with the official's own visits, newest first, as lines (dates are the
 * city's). Raises 400 naming a malformed parameter (declared in the route). */
RQ_HANDLER_DECL(registration_visits_list);
/* GET /api/v1/registration/visits/{id}: answers 200 with the detail (attachments, edit
 * history, filings, result, finish_overdue, the enterprise's answer and rating). Raises 404
 * visit-unknown when row-level security hides it, or {id} is malformed. */
RQ_HANDLER_DECL(registration_visits_get);
/* PATCH /api/v1/registration/visits/{id} {matter?, attachment_ids?}: answers 200 with the
 * detail (history kept, managers notified; also when nothing changed: rq.visit_edit's
 * "unchanged"). Raises 422 naming a bad field or when neither is given, then the refusals
 * of rq.visit_edit: 404 visit-unknown unless it is the official's own, 409 visit-withdrawn,
 * edit-window-closed past edit_window_hours, 422 visit-attachments-unusable (naming
 * attachment_ids) unless they are the official's and used by no other visit. */
RQ_HANDLER_DECL(registration_visits_edit);
/* POST /api/v1/registration/visits/{id}/finish {done, findings?, measures?,
 * attachment_ids?}: files the result (事后报备: 'after' filings, managers notified) and
 * answers 200 with the detail. Raises 422 naming a bad field, then the refusals of
 * rq.visit_finish: 404 visit-unknown unless it is the official's own, 409
 * visit-withdrawn, already-finished, 422 visit-attachments-unusable as for an edit. */
RQ_HANDLER_DECL(registration_visits_finish);
/* POST /api/v1/registration/visits/{id}/withdraw {reason} (撤回登记: the wrong enterprise
 * scanned, a visit registered twice): answers 200 with the detail, status withdrawn and
 * withdrawal {withdrawn_at, reason}; the visit stays, its units are no longer counted by the
 * rules, the enterprise's managers are notified (rq.visit_withdraw). Raises 422 naming
 * reason when it is missing, empty, blank or over 200 characters, then the refusals of
 * rq.visit_withdraw: 404 visit-unknown unless it is the official's own, 409
 * already-withdrawn, withdraw-answered (the enterprise confirmed or disputed it),
 * withdraw-finished (the result is filed) and withdraw-window-closed (past
 * withdraw_window_minutes of the registration). */
RQ_HANDLER_DECL(registration_visits_withdraw);
/* GET /api/v1/registration/visits/{id}/official (亮证): answers 200 {visit_id, name, unit,
 * post, cert_no, verified, registered_at}, the official as registered on the visit, for
 * whoever may see the visit (its official, the enterprise's managers). Raises 404
 * visit-unknown otherwise. */
RQ_HANDLER_DECL(registration_visits_official);

#endif
