"""Tasks leave only after commit; a rollback drops them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from badges.celery import install_outbox
from badges.outbox import DeferredTask, defer


@dataclass
class RecordingTask:
    calls: list[tuple[Any, ...]] = field(default_factory=list)

    def apply_async(self, args: tuple[Any, ...]) -> Any:
        self.calls.append(args)
        return None


@dataclass
class FakeConf:
    task_always_eager: bool = False


@dataclass
class FakeCelery:
    tasks: dict[str, RecordingTask] = field(default_factory=dict)
    conf: FakeConf = field(default_factory=FakeConf)


@pytest.fixture
def wired() -> tuple[sessionmaker[Session], RecordingTask]:
    factory = sessionmaker(create_engine("sqlite://"))
    task = RecordingTask()
    install_outbox(factory, FakeCelery(tasks={"demo.task": task}))  # type: ignore[arg-type]
    return factory, task


def test_deferred_task_is_sent_after_commit(
    wired: tuple[sessionmaker[Session], RecordingTask],
) -> None:
    factory, task = wired
    with factory() as session:
        defer(session, "demo.task", 7, "x")
        assert task.calls == []
        session.commit()

    assert task.calls == [(7, "x")]


def test_rollback_sends_nothing(wired: tuple[sessionmaker[Session], RecordingTask]) -> None:
    factory, task = wired
    with factory() as session:
        defer(session, "demo.task", 1)
        session.rollback()
        session.commit()

    assert task.calls == []


def test_each_commit_sends_only_its_own_tasks(
    wired: tuple[sessionmaker[Session], RecordingTask],
) -> None:
    factory, task = wired
    with factory() as session:
        defer(session, "demo.task", 1)
        session.commit()
        defer(session, "demo.task", 2)
        session.commit()
        session.commit()

    assert task.calls == [(1,), (2,)]


def test_releasing_a_savepoint_sends_nothing_until_the_real_commit(
    wired: tuple[sessionmaker[Session], RecordingTask],
) -> None:
    factory, task = wired
    with factory() as session:
        defer(session, "demo.task", 1)
        with session.begin_nested():  # SQLAlchemy fires after_commit when this is released
            defer(session, "demo.task", 2)
        assert task.calls == []
        session.commit()

    assert task.calls == [(1,), (2,)]


def test_a_failing_send_does_not_break_the_commit(
    wired: tuple[sessionmaker[Session], RecordingTask], caplog: pytest.LogCaptureFixture
) -> None:
    factory, task = wired
    with factory() as session:
        defer(session, "no.such.task", 1)
        defer(session, "demo.task", 2)
        session.commit()

    assert task.calls == [(2,)]
    assert "could not send task no.such.task" in caplog.text


def test_deferred_tasks_are_plain_values() -> None:
    @dataclass
    class Holder:
        info: dict[Any, Any] = field(default_factory=dict)
        began: int = 0

        def in_transaction(self) -> bool:
            return self.began > 0

        def begin(self) -> None:
            self.began += 1

    holder = Holder()
    defer(holder, "t", 1, "a")
    defer(holder, "t", 2, "b")

    assert holder.began == 1
    assert next(iter(holder.info.values())) == [
        DeferredTask("t", (1, "a")),
        DeferredTask("t", (2, "b")),
    ]
