"""Tables of the catalogue: product models, spare parts, and the stock of parts in vans."""

from piccolo.columns import ForeignKey, Integer, Numeric, OnDelete, Varchar
from piccolo.table import Table

from backend.staff.tables import User


class Product(Table):
    sku = Varchar(length=60, unique=True)
    name = Varchar(length=200)
    category = Varchar(length=80, null=True, default=None)
    required_skill = Varchar(length=60, null=True, default=None)
    warranty_months = Integer(default=12)


class Part(Table):
    sku = Varchar(length=60, unique=True)
    name = Varchar(length=200)
    price = Numeric(digits=(12, 2), null=True, default=None)


class Stock(Table):
    """Parts held by an engineer's van, or by the warehouse when engineer is null."""

    part = ForeignKey(references=Part, null=False, index=True, on_delete=OnDelete.cascade)
    engineer = ForeignKey(
        references=User, null=True, default=None, index=True, on_delete=OnDelete.cascade
    )
    qty = Integer(default=0)
