"""Database tables: accounts, queue grants, the audit trail and known agent state."""

import secrets
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow():
    return datetime.now(UTC)


def new_session_token():
    return secrets.token_hex(16)


class UtcDateTime(TypeDecorator):
    """Store aware UTC datetimes; SQLite hands them back naive, so re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        # SQLite keeps no offset, so every value must be in UTC before it is stored.
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"
    # Without AUTOINCREMENT SQLite hands a deleted account's id to the next one.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kept in the session cookie and replaced on password reset and disable, so
    # old sessions stop working; random, so no other account ever shares it.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    grants: Mapped[list["QueueGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="QueueGrant.queue"
    )

    @property
    def queues(self):
        return [grant.queue for grant in self.grants]

    def may_act_on(self, queue):
        return self.is_admin or queue in self.queues


class QueueGrant(Base):
    __tablename__ = "queue_grants"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    queue: Mapped[str] = mapped_column(String(32), primary_key=True)

    user: Mapped[User] = relationship(back_populates="grants")


class LoginFailure(Base):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class Action(Base):
    """One pause or resume a supervisor asked for, written before the PBX call."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=utcnow, index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    # "pending" until the PBX answered (or did not); "completed" afterwards.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    # One retry per action at most, even when two supervisors press it at once.
    retry_of: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), unique=True)

    pairs: Mapped[list["ActionPair"]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        order_by="ActionPair.id",
    )


class ActionPair(Base):
    __tablename__ = "action_pairs"
    __table_args__ = (Index("ix_action_pairs_queue_agent", "queue", "agent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), index=True
    )
    queue: Mapped[str] = mapped_column(String(32))
    agent: Mapped[str] = mapped_column(String(32))
    agent_name: Mapped[str] = mapped_column(String(128), default="")
    # "pending" while the PBX call runs; then "succeeded", "failed" or "unknown".
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    message: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[Action] = relationship(back_populates="pairs")

    @property
    def shown_outcome(self):
        """A pair still pending is, to anyone reading it, of unknown outcome."""
        return "unknown" if self.outcome == "pending" else self.outcome


class Event(Base):
    """Logins, lockouts and account changes, for the audit trail."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(32), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
