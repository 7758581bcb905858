"""The one Piccolo app: every table of every domain, migrations in the top-level migrations/."""

from piccolo.conf.apps import AppConfig

from backend.activity.tables import FollowUp, Task
from backend.catalogue.tables import Part, Product, Stock
from backend.customers.tables import Account, Contact, Device
from backend.field.tables import LocationPing, Visit
from backend.idempotency import IdempotencyKey
from backend.integrations.tables import ImportRun, Webhook, WebhookAttempt, WebhookDelivery
from backend.maintenance.tables import ServiceContract, ServiceContractDevice
from backend.push.tables import AppSecret, PushSubscription
from backend.ratelimit import RateHit
from backend.sales.tables import (
    Contract,
    ContractEvent,
    Lead,
    Opportunity,
    OpportunityStageChange,
    Payment,
    PaymentPlan,
    PoolMove,
    PoolSetting,
    Stage,
)
from backend.settings import ROOT
from backend.staff.tables import AuthSession, LoginFailure, User, Zone
from backend.workorders.tables import PartUsage, Rating, WorkOrder, WorkOrderEvent

APP_CONFIG = AppConfig(
    app_name="fieldline",
    migrations_folder_path=str(ROOT / "migrations"),
    table_classes=[
        *(User, AuthSession, LoginFailure, Zone),
        *(Account, Contact, Product, Part, Stock, Device),
        *(WorkOrder, WorkOrderEvent, PartUsage, Rating),
        *(PushSubscription, AppSecret, RateHit, IdempotencyKey),
        *(Visit, LocationPing),
        *(Stage, Opportunity, OpportunityStageChange, Lead, PoolMove, PoolSetting),
        *(Contract, ContractEvent, PaymentPlan, Payment),
        *(ServiceContract, ServiceContractDevice),
        *(FollowUp, Task),
        *(Webhook, WebhookDelivery, WebhookAttempt, ImportRun),
    ],
    migration_dependencies=[],
    commands=[],
)
