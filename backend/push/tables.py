"""Tables of Web Push: subscriptions, and the server's VAPID key pair kept across restarts."""

from piccolo.columns import ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.staff.tables import User
from backend.workorders.tables import WorkOrder


class PushSubscription(Table):
    """A browser's push endpoint: a staff member's, or a customer's following one request."""

    endpoint = Text(unique=True)
    p256dh = Varchar(length=200)
    auth = Varchar(length=100)
    user = ForeignKey(
        references=User, null=True, default=None, index=True, on_delete=OnDelete.cascade
    )
    work_order = ForeignKey(
        references=WorkOrder, null=True, default=None, index=True, on_delete=OnDelete.cascade
    )
    created_at = Timestamptz(default=TimestamptzNow())


class AppSecret(Table):
    """Server secrets created on first start (the VAPID key pair), shared by every worker."""

    name = Varchar(length=60, unique=True)
    value = Text()
    created_at = Timestamptz(default=TimestamptzNow())
