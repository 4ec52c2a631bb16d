"""E-mail alerts through a real local SMTP server: digests, no duplicates, reminders, escalation, failures."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import select

from roadmaps.importer import import_documents
from store.db import transaction
from tests.tracking_helpers import KOMITET, LEN_CONTROLLER, LOIRO, MOUO, Inbox, Row, add_roadmap, emptied, free_port, header, smtp_server, store  # noqa: F401 - store is the module fixture
from tracking.alerts import AlertsNotDelivered, render_alert_run, send_alerts
from tracking.channels import Letter
from tracking.contacts import load_contacts
from tracking.email_channel import EmailChannel, parse_smtp
from tracking.errors import ContactsError, TrackingError
from tracking.imports import ImportTracker
from tracking.policy import AlertPolicy, AlertStage, StageKind
from tracking.status import mark_done
from tracking.tables import AlertDelivery
from tracking.values import DeliveryStatus

REPO = Path(__file__).resolve().parent.parent
KEY = "LEN-alerts"
KOMITET_MAIL, MOUO_MAIL, CONTROLLER_MAIL = "komitet@example.org", "mouo@example.org", "zam@example.org"
CONTACTS = f"""
[[executor]]
name = "{KOMITET}"
email = "{KOMITET_MAIL}"

[[executor]]
name = "Муниципальные органы управления образованием"
aliases = ["МОУО"]
email = "{MOUO_MAIL}"

[[controller]]
roadmap = "{KEY}"
name = "Первый заместитель председателя комитета"
email = "{CONTROLLER_MAIL}"
"""


@pytest.fixture
def engine(store: Engine, tmp_path: Path) -> Engine:  # noqa: F811 - the imported module fixture
    engine = emptied(store)
    with transaction(engine) as session:
        add_roadmap(session, KEY, [
            Row("1", "Подготовка распоряжения о внедрении профминимума", "октябрь 2023 г.", [KOMITET]),
            Row("2", "Неделя без турникетов", "ноябрь 2023 г.", [KOMITET, MOUO]),
            Row("3", "Семинар для навигаторов", "декабрь 2023 г.", [LOIRO]),
        ])
    contacts = tmp_path / "contacts.toml"
    contacts.write_text(CONTACTS, encoding="utf-8")
    load_contacts(engine, contacts)
    return engine


def _run(engine: Engine, inbox: Inbox, day: str, policy: AlertPolicy | None = None) -> dict[str, list[str]]:
    """One alerts run; returns recipient → subjects received in it."""
    inbox.clear()
    policy = policy or AlertPolicy()
    send_alerts(engine, EmailChannel(inbox.address, policy.sender), as_of=date.fromisoformat(day), policy=policy)
    received: dict[str, list[str]] = {}
    for envelope, message in zip(inbox.envelopes, inbox.messages(), strict=True):
        for recipient in envelope.rcpt_tos:
            received.setdefault(recipient, []).append(str(message["Subject"]))
    return received


def test_executor_digest_is_russian_multipart_with_the_right_recipient_and_content(engine: Engine) -> None:
    with smtp_server() as inbox:
        assert list(_run(engine, inbox, "2023-10-24")) == [KOMITET_MAIL]
        [message] = inbox.to(KOMITET_MAIL)
    assert inbox.envelopes[0].mail_from == "profplan@localhost"
    assert message.get_content_type() == "multipart/alternative"
    assert str(message["Subject"]) == "Сроки мероприятий дорожной карты: скоро срок — 1"
    assert header(message, "To") == f"{KOMITET} <{KOMITET_MAIL}>"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for body in (text, html):
        assert "Подготовка распоряжения о внедрении профминимума" in body
        assert "31.10.2023 — через 7 дней" in body
        assert f"profplan done {KEY}#1 --occurrence 2023-10-31" in body
    assert f"Контроль: {LEN_CONTROLLER}" in text


def test_same_stage_is_not_sent_twice_then_reminders_and_escalation_follow_the_calendar(engine: Engine) -> None:
    with smtp_server() as inbox:
        assert set(_run(engine, inbox, "2023-10-24")) == {KOMITET_MAIL}  # 7 days before
        assert _run(engine, inbox, "2023-10-24") == {}  # the same run again
        assert _run(engine, inbox, "2023-10-26") == {}  # still the 7-day stage
        assert set(_run(engine, inbox, "2023-10-30")) == {KOMITET_MAIL}  # 1 day before
        overdue = _run(engine, inbox, "2023-11-01")
        assert overdue == {KOMITET_MAIL: ["Сроки мероприятий дорожной карты: просрочено — 1"]}
        assert "просрочено на 1 день" in inbox.to(KOMITET_MAIL)[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert _run(engine, inbox, "2023-11-07") == {}  # within the week
        assert set(_run(engine, inbox, "2023-11-08")) == {KOMITET_MAIL}  # weekly reminder
        escalated = _run(engine, inbox, "2023-11-15")  # 15 days overdue: past the 14-day grace period
        assert set(escalated) == {KOMITET_MAIL, CONTROLLER_MAIL}
        assert escalated[CONTROLLER_MAIL] == ["Контроль исполнения: просрочено мероприятий — 1"]
        text = inbox.to(CONTROLLER_MAIL)[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert f"Исполнители: {KOMITET}" in text and "просрочено на 15 дней" in text
        mark_done(engine, f"{KEY}:1", on=date(2023, 11, 15))
        assert set(_run(engine, inbox, "2023-11-23")) == {KOMITET_MAIL, MOUO_MAIL}  # only item 2 now, due 30.11


def test_lead_times_reminder_interval_and_grace_period_are_configurable(engine: Engine) -> None:
    policy = AlertPolicy(lead_days=(3,), remind_every_days=2, escalate_after_days=1, sender="komissiya@example.org")
    with smtp_server() as inbox:
        assert _run(engine, inbox, "2023-10-24", policy) == {}
        assert set(_run(engine, inbox, "2023-10-28", policy)) == {KOMITET_MAIL}
        assert inbox.envelopes[0].mail_from == "komissiya@example.org"
        assert set(_run(engine, inbox, "2023-11-01", policy)) == {KOMITET_MAIL}
        assert set(_run(engine, inbox, "2023-11-02", policy)) == {CONTROLLER_MAIL}
        assert set(_run(engine, inbox, "2023-11-03", policy)) == {KOMITET_MAIL}
        assert set(_run(engine, inbox, "2023-11-04", policy)) == {CONTROLLER_MAIL}


def test_an_executor_without_address_is_reported_not_skipped(engine: Engine) -> None:
    with smtp_server() as inbox:
        inbox.clear()
        run = send_alerts(engine, EmailChannel(inbox.address), as_of=date(2023, 12, 28))
    assert [(m.role, m.name, m.alerts) for m in run.missing] == [("executor", LOIRO, 1)]
    assert f"Нет адреса (исполнитель): {LOIRO} — напоминаний: 1" in render_alert_run(run)


def test_a_down_server_is_a_russian_error_recorded_and_retried_on_the_next_run(engine: Engine) -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(AlertsNotDelivered, match=rf"Не удалось отправить писем: 1 из 1 \(SMTP-сервер 127\.0\.0\.1:{port} "
                                                 r"недоступен.*будут отправлены повторно") as caught:
        send_alerts(engine, EmailChannel(f"127.0.0.1:{port}"), as_of=date(2023, 10, 24))
    assert caught.value.run.count(DeliveryStatus.FAILED) == 1
    with transaction(engine) as session:
        [failed] = session.exec(select(AlertDelivery)).all()
    assert (failed.status, failed.attempts, failed.recipient) == ("failed", 1, KOMITET_MAIL)

    with smtp_server() as inbox:
        run = send_alerts(engine, EmailChannel(inbox.address), as_of=date(2023, 10, 25))
        assert [e.rcpt_tos for e in inbox.envelopes] == [[KOMITET_MAIL]]
    assert "повторно после сбоя — напоминаний: 1" in render_alert_run(run)
    with transaction(engine) as session:
        [sent] = session.exec(select(AlertDelivery)).all()
    assert (sent.status, sent.attempts, sent.error) == ("sent", 2, None)


def test_a_refused_recipient_fails_alone_and_what_was_sent_stays_recorded(engine: Engine) -> None:
    with smtp_server(refuse={MOUO_MAIL}) as inbox:
        with pytest.raises(AlertsNotDelivered, match="1 из 3 .*сервер отклонил письмо"):
            send_alerts(engine, EmailChannel(inbox.address), as_of=date(2023, 11, 23))
        assert [e.rcpt_tos for e in inbox.envelopes] == [[CONTROLLER_MAIL], [KOMITET_MAIL]]
    with transaction(engine) as session:
        statuses = {(d.recipient, str(AlertStage(d.stage, d.step))): d.status
                    for d in session.exec(select(AlertDelivery)).all()}
    assert statuses == {(CONTROLLER_MAIL, "escalation:1"): "sent", (KOMITET_MAIL, "overdue:3"): "sent",
                        (KOMITET_MAIL, "soon:7"): "sent", (MOUO_MAIL, "soon:7"): "failed"}


def test_dry_run_prints_what_would_be_sent_and_records_nothing(engine: Engine) -> None:
    with smtp_server() as inbox:
        run = send_alerts(engine, EmailChannel(inbox.address), as_of=date(2023, 11, 15), dry_run=True)
        assert inbox.envelopes == []
    text = render_alert_run(run)
    assert "Пробный запуск на 15.11.2023: писем к отправке — 2 (электронная почта)" in text
    lines = text.splitlines()
    assert f"  {KOMITET} <{KOMITET_MAIL}> (исполнитель): просрочено 1, скоро срок 0" in lines
    assert any(line.endswith("(контролирующее лицо): просрочено 1, скоро срок 0, эскалация контролёру") for line in lines)
    assert "Кому:" not in text and len(lines) == 4  # a line per letter, not the letters
    verbose = render_alert_run(run, verbose=True)
    assert f"Кому: {KOMITET} <{KOMITET_MAIL}> (исполнитель)" in verbose and "Здравствуйте!" in verbose
    with transaction(engine) as session:
        assert session.exec(select(AlertDelivery)).all() == []


@pytest.mark.parametrize(("days_overdue", "executor", "escalation"), [
    (-8, None, None), (-7, "soon:7", None), (-2, "soon:7", None), (-1, "soon:1", None), (0, "soon:1", None),
    (1, "overdue:0", None), (7, "overdue:0", None), (8, "overdue:1", None), (14, "overdue:1", None),
    (15, "overdue:2", "escalation:0"), (21, "overdue:2", "escalation:0"), (22, "overdue:3", "escalation:1"),
])
def test_alert_stages(days_overdue: int, executor: str | None, escalation: str | None) -> None:
    policy = AlertPolicy()
    stages = (policy.executor_stage(days_overdue), policy.escalation_stage(days_overdue))
    assert tuple(None if stage is None else str(stage) for stage in stages) == (executor, escalation)
    assert all(stage is None or isinstance(stage.kind, StageKind) for stage in stages)


def test_bad_contacts_files_are_russian_errors_and_keep_the_stored_contacts(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    for text, message in [
        ('[[executor]]\nname = "X"\nemail = "not-an-address"', "не похоже на адрес"),
        ('[[executor]]\nemail = "a@example.org"', "не указано поле name"),
        ('[[controller]]\nname = "X"\nemail = "a@example.org"', "не указано поле roadmap"),
        ('[[executor]]\nname = "X"\nemail = "a@example.org"\n[[executor]]\nname = "x"\nemail = "b@example.org"',
         "«x» указан дважды с разными адресами: a@example.org и b@example.org"),
        ("[people]\n", "people: нет такого раздела; допустимы: executor, controller"),
        ('[[executor]]\nname = "x"\nemial = "x@example.org"\n', r"executor\[1\]\.emial: нет такого поля; возможно, email"),
        ("[[executor]\n", "ошибка формата TOML"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ContactsError, match=message):
            load_contacts(engine, path)
    with smtp_server() as inbox:
        assert list(_run(engine, inbox, "2023-10-24")) == [KOMITET_MAIL]


def test_loading_contacts_reports_who_is_still_without_an_address(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "contacts.toml"
    path.write_text(CONTACTS + '\n[[executor]]\nname = "Нет такого"\nemail = "x@example.org"\n', encoding="utf-8")
    loaded = load_contacts(engine, path)
    assert (loaded.executors, loaded.controllers) == (3, 1)
    assert loaded.unknown_names == ["Нет такого"] and loaded.executors_without_address == [LOIRO]
    assert "Исполнители без адреса (напоминания им не уйдут): ЛОИРО" in loaded.render()


@pytest.mark.parametrize("address", ["", "host:port", "host:0", ":25"])
def test_a_bad_smtp_address_is_a_russian_error(address: str) -> None:
    with pytest.raises(TrackingError, match="Неверный адрес SMTP-сервера"):
        parse_smtp(address)


def test_the_example_contacts_file_matches_the_demo_roadmaps(store: Engine) -> None:  # noqa: F811
    """The bundled example names only executors and roadmaps the real documents have."""
    engine = emptied(store)
    import_documents(engine, sorted((REPO / "data" / "roadmaps").glob("*.txt")), on_stored=ImportTracker(date(2023, 9, 1)))
    loaded = load_contacts(engine, REPO / "data" / "contacts.example.toml")
    assert loaded.unknown_names == []
    assert loaded.roadmaps_without_controller == ["003_95c3605fb32b2d2e"]  # the Lipetsk model plan names none
    run = send_alerts(engine, EmailChannel(), as_of=date(2024, 3, 1), dry_run=True)
    recipients = {o.digest.recipient for o in run.outcomes}
    assert {"komitet.lo@example.org", "zam1.komitet.lo@example.org", "manekina@example.org"} <= recipients
    assert any(m.role == "controller" and "003_95c3605fb32b2d2e" in m.name for m in run.missing)


def test_a_long_digest_lists_the_20_most_urgent_and_attaches_the_rest_as_xlsx(engine: Engine) -> None:
    with transaction(engine) as session:
        add_roadmap(session, "LEN-many", [Row(str(n), f"Мероприятие {n}", f"{day} 2023 г.", [KOMITET])
                                          for n, day in enumerate(["сентябрь", "октябрь"] * 13, 1)])
    with smtp_server() as inbox:
        _run(engine, inbox, "2023-11-15")
        [message] = inbox.to(KOMITET_MAIL)
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "просрочено — 27, скоро срок — 0" in text  # 26 new and item 1 of the alerts roadmap
    assert text.count("Отметить выполнение:") == 20
    assert "Ещё 7 — в приложенной таблице XLSX (там все 27)." in text
    assert all(f"[LEN-many#{n}]" in text for n in range(1, 26, 2))  # every September row: the most overdue first
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "сроки.xlsx"
    book = load_workbook(io.BytesIO(attachment.get_content()))
    assert sum(sheet.max_row - 1 for sheet in book.worksheets) == 27


@dataclass
class Messenger:
    """A channel of its own (a chat bot, say): the digests reach it with no change to their logic."""

    sent: list[Letter] = field(default_factory=list)
    name: str = "мессенджер"

    def __enter__(self) -> Messenger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def send(self, letter: Letter) -> str | None:
        if letter.address == MOUO_MAIL:
            return "чат не найден"
        self.sent.append(letter)
        return None


def test_delivery_is_a_channel_another_one_gets_the_same_letters_and_failures_are_recorded(engine: Engine) -> None:
    messenger = Messenger()
    with pytest.raises(AlertsNotDelivered, match="чат не найден") as caught:
        send_alerts(engine, messenger, as_of=date(2023, 11, 23))
    assert sorted(letter.address for letter in messenger.sent) == [KOMITET_MAIL, CONTROLLER_MAIL]
    assert "(мессенджер)" in render_alert_run(caught.value.run)
    assert all(letter.text.startswith("Здравствуйте!") and letter.html for letter in messenger.sent)
    again = Messenger()
    with pytest.raises(AlertsNotDelivered, match="1 из 1"):  # only MOUO's failed letter is still due
        send_alerts(engine, again, as_of=date(2023, 11, 23))
    assert again.sent == []
