"""A partner's day in writing: the statement (对账单) of its debits and refunds, the day's report
across partners beside the ledger's own totals, and reconciling the partner's file with ours."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from quiz.clock import day_bounds
from quiz.errors import (
    ValidationFailed,
)
from quiz.extensions import db
from quiz.models import LedgerEntry
from quiz.models.partner import (
    Partner,
    PartnerDebit,
    PartnerRefund,
)
from quiz.services.csv_export import csv_document
from quiz.services.partners import get_partner

STATEMENT_HEADER = ("type", "debit_id", "refund_id", "order_id", "uid", "points", "created_at")


# ---------------------------------------------------------------- statements


def _local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).isoformat()


@dataclass(frozen=True)
class StatementDebit:
    debit_id: int
    uid: str
    points: int
    order_id: str
    created_at: str


@dataclass(frozen=True)
class StatementRefund:
    refund_id: str
    debit_id: int
    points: int
    created_at: str
    order_id: str = ""
    uid: str = ""


@dataclass(frozen=True)
class Statement:
    """A partner's 对账单 for one local day: what it debited and refunded, in order."""

    date: str
    partner: str
    debits: list[StatementDebit]
    refunds: list[StatementRefund]
    totals: dict = field(default_factory=dict)

    def csv(self) -> str:
        rows = [
            ("debit", d.debit_id, "", d.order_id, d.uid, d.points, d.created_at)
            for d in self.debits
        ] + [
            ("refund", r.debit_id, r.refund_id, r.order_id, r.uid, r.points, r.created_at)
            for r in self.refunds
        ]
        return csv_document(STATEMENT_HEADER, rows)


def statement(partner_id: int, day: date, *, tz: ZoneInfo) -> Statement:
    """Every debit and refund the partner made on `day` (local), oldest first: the same on every
    call once the day is over."""
    partner = get_partner(partner_id)
    start, end = day_bounds(day, tz)
    debits = db.session.scalars(
        select(PartnerDebit)
        .where(
            PartnerDebit.partner_id == partner.id,
            PartnerDebit.created_at >= start,
            PartnerDebit.created_at < end,
        )
        .order_by(PartnerDebit.id)
    ).all()
    refunds = db.session.execute(
        select(PartnerRefund, PartnerDebit.order_id, PartnerDebit.uid)
        .join(PartnerDebit, PartnerDebit.id == PartnerRefund.debit_id)
        .where(
            PartnerRefund.partner_id == partner.id,
            PartnerRefund.created_at >= start,
            PartnerRefund.created_at < end,
        )
        .order_by(PartnerRefund.id)
    ).all()
    out_debits = [
        StatementDebit(d.id, d.uid, d.points, d.order_id, _local(d.created_at, tz)) for d in debits
    ]
    out_refunds = [
        StatementRefund(r.refund_id, r.debit_id, r.points, _local(r.created_at, tz), order, uid)
        for r, order, uid in refunds
    ]
    totals = {
        "debited": sum(d.points for d in out_debits),
        "refunded": sum(r.points for r in out_refunds),
        "debits": len(out_debits),
        "refunds": len(out_refunds),
    }
    return Statement(day.isoformat(), partner.name, out_debits, out_refunds, totals)


def ledger_totals(partner_id: int, day: date, *, tz: ZoneInfo) -> dict:
    """The same day from the ledger's side: the partner's entries, summed (for the checks)."""
    start, end = day_bounds(day, tz)

    def total(model, sign: int) -> int:
        return sign * db.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.delta), 0))
            .join(model, model.ledger_entry_id == LedgerEntry.id)
            .where(
                model.partner_id == partner_id,
                LedgerEntry.created_at >= start,
                LedgerEntry.created_at < end,
            )
        )

    return {"debited": total(PartnerDebit, -1), "refunded": total(PartnerRefund, 1)}


@dataclass(frozen=True)
class DayReport:
    partner_id: int
    partner: str
    status: str
    debits: int
    debited: int
    refunds: int
    refunded: int
    ledger_debited: int
    ledger_refunded: int

    @property
    def agrees(self) -> bool:
        return (self.debited, self.refunded) == (self.ledger_debited, self.ledger_refunded)


def daily_report(day: date, *, tz: ZoneInfo) -> list[DayReport]:
    """Every partner's day: its statement's totals beside the ledger's (the console's report)."""
    out = []
    for partner in db.session.scalars(select(Partner).order_by(Partner.id)):
        totals = statement(partner.id, day, tz=tz).totals
        book = ledger_totals(partner.id, day, tz=tz)
        out.append(
            DayReport(
                partner.id,
                partner.name,
                partner.status,
                totals["debits"],
                totals["debited"],
                totals["refunds"],
                totals["refunded"],
                book["debited"],
                book["refunded"],
            )
        )
    return out


# ---------------------------------------------------------------- reconciliation


@dataclass(frozen=True)
class Line:
    """One row of a statement, as either side records it: keyed by the partner's own ids."""

    type: str  # "debit" | "refund"
    ref: str  # order_id for a debit, refund_id for a refund
    points: int


@dataclass(frozen=True)
class Reconciliation:
    matched: list[Line]
    only_theirs: list[Line]
    only_ours: list[Line]
    amount_differs: list[tuple[Line, Line]]  # (theirs, ours)

    @property
    def clean(self) -> bool:
        return not (self.only_theirs or self.only_ours or self.amount_differs)


class PartnerFileInvalid(ValidationFailed):
    code = "invalid_partner_file"
    title = "Invalid partner file"


def read_partner_file(text: str) -> list[Line]:
    """A partner's CSV: our statement's columns (`type`, `order_id`, `refund_id`, `points`; the
    others are ignored), UTF-8 with or without a BOM. A bad row is named by its number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = {h.strip() for h in reader.fieldnames or []}
    missing = {"type", "order_id", "refund_id", "points"} - header
    if missing:
        raise PartnerFileInvalid(f"缺少列：{', '.join(sorted(missing))}")
    lines = []
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        kind = row["type"].lower()
        ref = row["order_id"] if kind == "debit" else row["refund_id"]
        if kind not in ("debit", "refund") or not ref or not row["points"].lstrip("-").isdigit():
            raise PartnerFileInvalid(
                f"第 {number} 行无法识别。",
                errors=[{"row": number, "message": "type 须为 debit/refund，且有编号和积分"}],
            )
        lines.append(Line(kind, ref.lstrip("'"), int(row["points"])))
    return lines


def our_lines(stmt: Statement) -> list[Line]:
    return [Line("debit", d.order_id, d.points) for d in stmt.debits] + [
        Line("refund", r.refund_id, r.points) for r in stmt.refunds
    ]


def reconcile(theirs: list[Line], ours: list[Line]) -> Reconciliation:
    """Match the two books line by line, by (type, the partner's id)."""
    mine = {(line.type, line.ref): line for line in ours}
    seen = set()
    matched, only_theirs, differs = [], [], []
    for line in theirs:
        key = (line.type, line.ref)
        ours_line = mine.get(key)
        if ours_line is None or key in seen:
            only_theirs.append(line)
            continue
        seen.add(key)
        if ours_line.points == line.points:
            matched.append(line)
        else:
            differs.append((line, ours_line))
    only_ours = [line for key, line in mine.items() if key not in seen]
    return Reconciliation(matched, only_theirs, only_ours, differs)
