"""Admin: 知晓率 reports (JSON, or CSV with ?format=csv), read from the reports database when one
is set (`staff_report`)."""

from __future__ import annotations

from datetime import timedelta

from flask import Response

from quiz.api.common import Blueprint, admin_required, config, rules, staff_report
from quiz.clock import local_day
from quiz.current import now
from quiz.errors import ValidationFailed
from quiz.schemas.quiz import AwarenessOut, QuestionRatesOut, ReportArgs
from quiz.schemas.recognition import ParticipationArgs, ParticipationOut
from quiz.services import participation as targets
from quiz.services import reports
from quiz.services.csv_export import csv_document

blp = Blueprint(
    "admin_reports",
    __name__,
    url_prefix="/api/v1/admin/reports",
    description="Admin: 知晓率 reports",
)

MAX_RANGE_DAYS = 366


def _range(args):
    today = local_day(now(), rules().tz)
    date_to = args["to"] or today
    date_from = args["from_"] or date_to - timedelta(days=29)
    if date_from > date_to:
        raise ValidationFailed(
            "开始日期不能晚于结束日期。", errors=[{"field": "from", "message": "晚于结束日期"}]
        )
    if (date_to - date_from).days > MAX_RANGE_DAYS:
        raise ValidationFailed(
            "日期范围最长一年。", errors=[{"field": "from", "message": "范围过大"}]
        )
    return date_from, date_to


def csv_response(rows: list[dict], columns: list[str], filename: str) -> Response:
    """A CSV download of report rows (formula-like cells escaped, BOM for Excel)."""
    body = csv_document(columns, ([row.get(c) for c in columns] for row in rows))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@blp.route("/awareness", methods=["GET"])
@admin_required
@staff_report
@blp.arguments(ReportArgs, location="query")
@blp.response(200, AwarenessOut)
def awareness(args):
    """知晓率 by category or district over a date range (default: the last 30 days)."""
    date_from, date_to = _range(args)
    rows = reports.awareness(
        date_from, date_to, args["by"], include_practice=args["include_practice"]
    )
    if args["format"] == "csv":
        return csv_response(
            rows,
            ["key", "answers", "correct", "rate", "participants"],
            f"awareness-{args['by']}-{date_from}-{date_to}.csv",
        )
    return reports.Report(date_from, date_to, rows, by=args["by"])


@blp.route("/questions", methods=["GET"])
@admin_required
@staff_report
@blp.arguments(ReportArgs, location="query")
@blp.response(200, QuestionRatesOut)
def question_rates(args):
    """Per-question correct rate, weakest first (spotting bad or hard questions)."""
    date_from, date_to = _range(args)
    rows = reports.question_rates(date_from, date_to)
    if args["format"] == "csv":
        return csv_response(
            rows,
            ["question_id", "category", "stem", "answers", "correct", "rate"],
            f"questions-{date_from}-{date_to}.csv",
        )
    return reports.Report(date_from, date_to, rows)


@blp.route("/participation", methods=["GET"])
@admin_required
@staff_report
@blp.arguments(ParticipationArgs, location="query")
@blp.response(200, ParticipationOut)
def participation(args):
    """Per day (`by=day`, the default): participants, completions and answers. Per district or
    team (`by=district|team`): participants against members and the target headcount."""
    date_from, date_to = _range(args)
    by = args["by"]
    if by == "day":
        rows = reports.participation(date_from, date_to)
        columns = ["date", "participants", "completed", "answers"]
    else:
        rows = targets.participation_by(by, date_from, date_to, districts=config("QUIZ_DISTRICTS"))
        columns = ["key", "name", "participants", "members", "target", "rate"]
    if args["format"] == "csv":
        suffix = "" if by == "day" else f"-{by}"
        return csv_response(
            [row if isinstance(row, dict) else row.__dict__ for row in rows],
            columns,
            f"participation{suffix}-{date_from}-{date_to}.csv",
        )
    return reports.Report(date_from, date_to, rows, by=by)
