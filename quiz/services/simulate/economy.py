"""The simulated city's shop and staff work: redemptions (and their cancellations, refunds and
hand-overs), stock, holds on a few accounts and 纠错 reports with their resolutions.

Every row is the one the live service writes: `shop.redeem` (a `redeem` entry keyed
`redeem:<id>`, a `redeem` stock movement), `shop.cancel` (a `refund` entry keyed
`refund:<id>`, a `cancel` movement), `shop.fulfil`, `prizes.create_prize`/`restock` (an
`initial` or `restock` movement), `fairplay.hold`/`release` (an `account_holds` row each, the
user's `held_*` while held) and `question_reports.report_question`/`resolve_report` (a resolution
closes every open report of its question). Live rules hold too: no minor and no held account
redeems, a held owner's voucher is not handed over, `per_user_limit` counts live redemptions,
stock never goes below zero, one open report per user and question (never one again after it
was resolved), and never enough open reports on a question to suspend it from the draws.
Events are taken in the order of their days, so every balance stays ≥ 0 at every moment.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import QuestionVersion
from quiz.models.learning import REPORT_REASONS
from quiz.services.codes import ALPHABET
from quiz.services.simulate.history import Batch, Played
from quiz.services.simulate.population import Player
from quiz.services.simulate.writer import RowWriter

# (name, cost, stock per 100 players, per-user limit)
PRIZES = (
    ("环保购物袋", 60, 6, None),
    ("防诈骗宣传手册", 30, 10, 2),
    ("消防逃生面罩", 300, 2, 1),
    ("公交卡充值 20 元", 500, 2, 1),
)
REDEEM_CHANCE = 0.02  # a player who can afford a prize trades points after a day this often
CANCELLED, FULFILLED = 0.12, 0.85  # of redemptions (the rest are still pending at the end)
REPORT_CHANCE = 0.01  # per wrong answer
HELD_SHARE = 0.005  # accounts put on hold over the year (at least two)
PRIZE_COLUMNS = ("id", "name", "description", "cost", "stock", "per_user_limit")
PRIZE_COLUMNS += ("image_version", "on_sale", "sort_order", "pickup_place", "pickup_hours")
PRIZE_COLUMNS += ("pickup_days", "retired", "created_at", "updated_at")
MOVEMENT_COLUMNS = ("id", "prize_id", "delta", "stock_after", "reason", "actor_id", "memo")
MOVEMENT_COLUMNS += ("ref", "created_at")
REDEMPTION_COLUMNS = ("id", "user_id", "prize_id", "cost", "status", "voucher_code")
REDEMPTION_COLUMNS += ("idempotency_key", "created_at", "fulfilled_at", "fulfilled_by")
REDEMPTION_COLUMNS += ("cancelled_at", "cancelled_by")
REPORT_COLUMNS = ("id", "question_id", "user_id", "reason", "message", "status", "resolution")
REPORT_COLUMNS += ("note", "resolved_by", "resolved_at", "fixed_version", "created_at")
HOLD_COLUMNS = ("id", "user_id", "action", "memo", "actor_id", "created_at")
REPORT_MESSAGES = {
    "answer": "标准答案好像不对。",
    "stem": "题干有错别字。",
    "options": "两个选项意思一样。",
    "explanation": "解析和答案对不上。",
    "other": "这道题已经过时了。",
}


@dataclass
class SimPrize:
    id: int
    name: str
    cost: int
    stock: int
    per_user_limit: int | None


@dataclass
class Hold:
    user_id: int
    starts: date
    ends: date | None  # released that day (None: still held)
    rows: list[tuple] = field(default_factory=list)  # its account_holds rows


@dataclass
class Economy:
    """The year's redemptions, stock, holds and reports, decided day by day (see the module)."""

    batch: Batch
    rng: random.Random
    tz: ZoneInfo
    staff: dict[str, int]
    days: list[date]
    created: datetime
    suspend_at: int = 5
    prizes: list[SimPrize] = field(default_factory=list)
    movements: list[tuple] = field(default_factory=list)
    redemptions: dict[int, list] = field(default_factory=dict)
    holds: dict[int, Hold] = field(default_factory=dict)
    reports: dict[int, list] = field(default_factory=dict)
    due: dict[date, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    live: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    reported: set[tuple[int, int]] = field(default_factory=set)
    open_reports: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    fixed_versions: dict[int, int] = field(default_factory=dict)

    def stock_shelves(self, players: int) -> None:
        """The prizes, each stocked once by the admin the day before the history starts."""
        for name, cost, per_hundred, limit in PRIZES:
            stock = max(3, players * per_hundred // 100)
            prize = SimPrize(self.batch.take("prizes"), name, cost, 0, limit)
            self.prizes.append(prize)
            self._move(prize, stock, "initial", self.staff["admin"], "上架", None, self.created)

    def choose_holds(self, people: list[Player]) -> None:
        """A few accounts held by the admin in the year's second half; half of them released."""
        late = self.days[len(self.days) // 2 :]
        count = min(len(people), max(2, int(len(people) * HELD_SHARE)))
        for player in self.rng.sample(people, count):
            starts = self.rng.choice(late)
            ends = starts + timedelta(days=self.rng.randint(2, 14))
            released = self.rng.random() < 0.5 and ends <= self.days[-1]
            self.holds[player.id] = Hold(player.id, starts, ends if released else None)
            self.due[starts].append(("hold", player.id))
            if released:
                self.due[ends].append(("release", player.id))

    def read_versions(self, question_ids: list[int]) -> None:
        """What a `fixed` report points to (`version_history.latest_version`), read once."""
        self.fixed_versions = dict(
            db.session.execute(
                select(QuestionVersion.question_id, func.max(QuestionVersion.version))
                .where(
                    QuestionVersion.question_id.in_(question_ids),
                    QuestionVersion.status.in_(("published", "submitted")),
                )
                .group_by(QuestionVersion.question_id)
            ).all()
        )

    # ------------------------------------------------------------------ the day

    def start_day(self, day: date, people: dict[int, Player]) -> None:
        """What staff and players do that day before the quiz: cancellations, hand-overs,
        restocks, holds, releases and report resolutions fall due."""
        for event in self.due.pop(day, []):
            kind, subject = event[0], event[1]
            at = self._at(day, 8 * 3600, 3600)
            if kind == "cancel":
                self._cancel(self.redemptions[subject], people[self.redemptions[subject][1]], at)
            elif kind == "fulfil":
                self._fulfil(self.redemptions[subject], day, at)
            elif kind == "restock":
                prize = self.prizes[subject]
                self._move(prize, event[2], "restock", self.staff["admin"], "补货", None, at)
            elif kind in ("hold", "release"):
                memo = "积分异常，待核查" if kind == "hold" else "核查无异常，解除暂停"
                row = (self.batch.take("account_holds"), subject, kind, memo, self.staff["admin"])
                self.holds[subject].rows.append((*row, at))
            elif kind == "resolve":
                self._resolve(subject, at)

    def after_play(self, player: Player, day: date, played: Played) -> None:
        """After their day a player may report a question they got wrong, or redeem a prize."""
        for question in played.wrong:
            if self.rng.random() < REPORT_CHANCE:
                self._report(player, question.id, day, played.last_at)
        if self.rng.random() < REDEEM_CHANCE and not player.minor and not self._held(player, day):
            self._redeem(player, day, played.last_at + timedelta(minutes=self.rng.randint(1, 30)))

    # ------------------------------------------------------------------ the shop

    def _redeem(self, player: Player, day: date, at: datetime) -> None:
        choices = [
            p
            for p in self.prizes
            if p.stock > 0
            and p.cost <= player.balance
            and (p.per_user_limit is None or self.live[(player.id, p.id)] < p.per_user_limit)
        ]
        if not choices:
            return
        prize = self.rng.choice(choices)
        rid = self.batch.take("redemptions")
        code = "".join(self.rng.choice(ALPHABET) for _ in range(12))
        row = [rid, player.id, prize.id, prize.cost, "pending", code, f"sim-{rid}-{code}", at]
        self.redemptions[rid] = row + [None, None, None, None]
        self.live[(player.id, prize.id)] += 1
        self._move(prize, -1, "redeem", None, prize.name, f"redemption:{rid}", at)
        ref = f"redemption:{rid}"
        self.batch.entry(
            player.id, -prize.cost, "redeem", memo=prize.name, ref=ref, key=f"redeem:{rid}", at=at
        )
        player.balance -= prize.cost
        if prize.stock == 0:
            self.due[day + timedelta(days=self.rng.randint(2, 7))].append(
                ("restock", self.prizes.index(prize), self.rng.randint(3, 10))
            )
        fate = self.rng.random()
        later = day + timedelta(days=self.rng.randint(1, 6))
        if fate < CANCELLED:
            self.due[later].append(("cancel", rid))
        elif fate < FULFILLED:
            self.due[later].append(("fulfil", rid))

    def _cancel(self, row: list, owner: Player, at: datetime) -> None:
        """`shop.cancel`, by the owner or (now and then) the admin."""
        rid, prize = row[0], self._prize(row[2])
        actor = owner.id if self.rng.random() < 0.7 else self.staff["admin"]
        row[4], row[10], row[11] = "cancelled", at, actor
        self.live[(owner.id, prize.id)] -= 1
        self._move(prize, 1, "cancel", actor, prize.name, f"redemption:{rid}", at)
        self.batch.entry(
            owner.id,
            row[3],
            "refund",
            memo=prize.name,
            ref=f"redemption:{rid}",
            key=f"refund:{rid}",
            at=at,
            actor_id=actor if actor != owner.id else None,
        )
        owner.balance += row[3]

    def _fulfil(self, row: list, day: date, at: datetime) -> None:
        """`shop.fulfil` at the counter: never while the owner is held (then it stays pending)."""
        hold = self.holds.get(row[1])
        if hold is not None and self._held_on(hold, day):
            return
        row[4], row[8], row[9] = "fulfilled", at, self.staff["clerk"]

    def _move(self, prize, delta, reason, actor, memo, ref, at) -> None:
        prize.stock += delta
        assert prize.stock >= 0, "the simulated shop sold what it did not have"
        row = (self.batch.take("stock_movements"), prize.id, delta, prize.stock, reason, actor)
        self.movements.append((*row, memo, ref, at))

    def _prize(self, prize_id: int) -> SimPrize:
        return next(p for p in self.prizes if p.id == prize_id)

    # ------------------------------------------------------------------ holds

    def _held(self, player: Player, day: date) -> bool:
        hold = self.holds.get(player.id)
        return hold is not None and self._held_on(hold, day)

    @staticmethod
    def _held_on(hold: Hold, day: date) -> bool:
        # The release day counts as held: a release comes at the start of the staff's day,
        # and a player may be up before them.
        return hold.starts <= day and (hold.ends is None or day <= hold.ends)

    # ------------------------------------------------------------------ reports

    def _report(self, player: Player, question_id: int, day: date, at: datetime) -> None:
        """`report_question`: once per user and question here, and below the suspension."""
        waiting = self.open_reports[question_id]
        full = 0 < self.suspend_at <= len(waiting) + 1  # one more would suspend the question
        if (player.id, question_id) in self.reported or full:
            return
        self.reported.add((player.id, question_id))
        reason = self.rng.choice(REPORT_REASONS)
        rid = self.batch.take("question_reports")
        self.reports[rid] = [rid, question_id, player.id, reason, REPORT_MESSAGES[reason]]
        self.reports[rid] += ["open", None, None, None, None, None, at]
        if not waiting:
            self.due[day + timedelta(days=self.rng.randint(2, 21))].append(("resolve", question_id))
        waiting.append(rid)

    def _resolve(self, question_id: int, at: datetime) -> None:
        """`resolve_report`: the admin's resolution closes every open report of the question."""
        fixed = self.rng.random() < 0.3 and question_id in self.fixed_versions
        resolution = "fixed" if fixed else "rejected"
        note = "已根据反馈修改题目。" if fixed else "经核对，题目无误。"
        for rid in self.open_reports.pop(question_id, []):
            row = self.reports[rid]
            version = self.fixed_versions[question_id] if fixed else None
            row[5:11] = ["resolved", resolution, note, self.staff["admin"], at, version]

    # ------------------------------------------------------------------ the end

    def _at(self, day: date, earliest_s: int, spread_s: int) -> datetime:
        local = datetime.combine(day, time(), self.tz)
        return (local + timedelta(seconds=earliest_s + self.rng.randrange(spread_s))).astimezone(
            UTC
        )

    def write(self, writer: RowWriter, created: datetime) -> None:
        """The prizes (with their final stock), movements, redemptions, reports and holds; the
        held accounts' `held_*` columns."""
        writer.write(
            "prizes",
            PRIZE_COLUMNS,
            [
                (p.id, p.name, "", p.cost, p.stock, p.per_user_limit, 0, True, n)
                + ("街道服务中心", "工作日 9:00–17:00", 30, False, created, created)
                for n, p in enumerate(self.prizes)
            ],
        )
        writer.write("stock_movements", MOVEMENT_COLUMNS, self.movements)
        writer.write(
            "redemptions", REDEMPTION_COLUMNS, [tuple(r) for r in self.redemptions.values()]
        )
        writer.write("question_reports", REPORT_COLUMNS, [tuple(r) for r in self.reports.values()])
        rows = [r for hold in self.holds.values() for r in hold.rows]
        writer.write("account_holds", HOLD_COLUMNS, sorted(rows))
        still = [
            (hold.rows[-1][5], self.staff["admin"], hold.rows[-1][3], uid)
            for uid, hold in self.holds.items()
            if hold.rows and hold.rows[-1][2] == "hold"
        ]
        writer.update_many("users", ("held_at", "held_by", "hold_memo"), still)
