"""The one Piccolo app: every table of every domain, migrations in the top-level migrations/."""

from piccolo.conf.apps import AppConfig

from backend.customers.tables import Account, Contact, Device, Part, Product, Stock
from backend.settings import ROOT
from backend.staff.tables import AuthSession, LoginFailure, User

APP_CONFIG = AppConfig(
    app_name="fieldline",
    migrations_folder_path=str(ROOT / "migrations"),
    table_classes=[User, AuthSession, LoginFailure, Account, Contact, Product, Part, Stock, Device],
    migration_dependencies=[],
    commands=[],
)
