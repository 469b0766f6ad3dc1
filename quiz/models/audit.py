"""The audit trail (等保 安全审计): one append-only row per staff write and staff sign-in.

Rows are only ever inserted (by `quiz.services.audit.record`). On PostgreSQL a trigger refuses
UPDATE, DELETE and TRUNCATE unless the transaction set `quiz.audit_prune` (the retention
command, which leaves an entry of its own).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, JSON, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime

# The one function and trigger the database holds (the backup check allows exactly these).
AUDIT_FUNCTION = "audit_log_append_only"
AUDIT_TRIGGERS = ("audit_log_no_change", "audit_log_no_truncate")
PRUNE_SETTING = "quiz.audit_prune"


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # No foreign key: the trail outlives whatever happens to the account it names.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(128))
    ip: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[dict | None] = mapped_column(JSON)


Index("ix_audit_log_target", AuditEntry.target)

# PostgreSQL: the trail refuses edits by construction. The same statements run in the
# migration (0016) and after `create_all` (tests build the schema that way).
APPEND_ONLY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {AUDIT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{PRUNE_SETTING}', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END
$$
"""
APPEND_ONLY_TRIGGERS = (
    f"CREATE TRIGGER {AUDIT_TRIGGERS[0]} BEFORE UPDATE OR DELETE ON audit_log "
    f"FOR EACH ROW EXECUTE FUNCTION {AUDIT_FUNCTION}()",
    f"CREATE TRIGGER {AUDIT_TRIGGERS[1]} BEFORE TRUNCATE ON audit_log "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {AUDIT_FUNCTION}()",
)

for _statement in (APPEND_ONLY_FUNCTION, *APPEND_ONLY_TRIGGERS):
    event.listen(
        AuditEntry.__table__,
        "after_create",
        DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"),
    )
