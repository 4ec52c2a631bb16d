"""A staff member's own calendar subscriptions on /me: create, rotate, revoke, with the links and a QR code.

The same `feeds.subscriptions` functions as `profplan subscribe`,
`subscriptions rotate` and `subscriptions revoke`, with the deployment's
feed key (`feeds.tokens.load_key(settings.feeds_key_file)`) and public
address (`settings.feeds_url`), as the CLI passes them. A token is stored
only as its hash, so a feed's address and QR code are shown once, on the
answer to the create or rotate that issued it; the list shows prefixes. A
staff member may change only subscriptions to their own sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from sqlalchemy.engine import Engine

from feeds.collect import resolve_target
from feeds.kinds import FeedKind
from feeds.subscriptions import (
    NewSubscription,
    SubscriptionInfo,
    create_subscription,
    list_subscriptions,
    revoke_subscription,
    rotate_subscription,
)
from feeds.tokens import load_key
from store.db import transaction
from store.settings import Settings
from web.roles import NotFound, Viewer


@dataclass(frozen=True)
class IssuedFeed:
    """A feed address just issued, as the page shows it: both links and the QR code of the webcal one."""

    subscription: NewSubscription

    @property
    def qr_data_uri(self) -> str:
        """A PNG of the webcal:// address (phones open it straight in their calendar), as a data: URI."""
        return str(segno.make(self.subscription.webcal_url, error="m").png_data_uri(scale=6, border=4))


def _target(engine: Engine, viewer: Viewer) -> str:
    if viewer.school_id is None or viewer.staff_name is None:
        raise NotFound("У учётной записи не указаны школа и сотрудник.")
    with transaction(engine) as session:
        return resolve_target(session, FeedKind.STAFF, f"{viewer.school_id}/{viewer.staff_name}")


def own_subscriptions(engine: Engine, viewer: Viewer) -> list[SubscriptionInfo]:
    """The viewer's active subscriptions to their own sessions, oldest first."""
    target = _target(engine, viewer)
    return [info for info in list_subscriptions(engine, include_revoked=False)
            if info.kind is FeedKind.STAFF and info.target == target]


def _own(engine: Engine, viewer: Viewer, subscription_id: int) -> SubscriptionInfo:
    found = next((info for info in own_subscriptions(engine, viewer) if info.id == subscription_id), None)
    if found is None:
        raise NotFound("Такой подписки у вас нет (возможно, она уже отозвана).")
    return found


def subscribe(engine: Engine, settings: Settings, viewer: Viewer) -> IssuedFeed:
    """A new subscription to the viewer's own sessions."""
    return IssuedFeed(create_subscription(engine, FeedKind.STAFF, _target(engine, viewer),
                                          key=load_key(settings.feeds_key_file), base=settings.feeds_url))


def rotate(engine: Engine, settings: Settings, viewer: Viewer, subscription_id: int) -> IssuedFeed:
    """A new address for one of the viewer's subscriptions; the old one stops working at once."""
    info = _own(engine, viewer, subscription_id)
    return IssuedFeed(rotate_subscription(engine, info.prefix, key=load_key(settings.feeds_key_file),
                                          base=settings.feeds_url))


def revoke(engine: Engine, viewer: Viewer, subscription_id: int) -> SubscriptionInfo:
    return revoke_subscription(engine, _own(engine, viewer, subscription_id).prefix)
