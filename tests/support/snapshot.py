"""A copy of every table's rows, put back whole: a world built once, undone after each test.

The copy lives in a schema of its own in the test database. `restore()` empties the tables and
refills them from it in one transaction, so the app under test runs as it always does (its own
commits, after-commit work, reads side by side) and still every test starts from the same rows.
Sequences are left as they are: ids handed out meanwhile are not
reused, which no test may rely on anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend import db

TABLES = """
SELECT c.relname AS name,
       array_agg(quote_ident(a.attname) ORDER BY a.attnum) AS columns
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attgenerated = ''
   AND c.relname <> ALL($1::text[])
 GROUP BY c.relname
 ORDER BY c.relname
"""


@dataclass(frozen=True)
class Snapshot:
    schema: str
    tables: tuple[str, ...]
    restore_sql: str

    @classmethod
    async def take(cls, schema: str, keep: frozenset[str] = frozenset()) -> Snapshot:
        """Copies every public table but those in `keep` (left alone) into `schema`."""
        tables = {r["name"]: r["columns"] for r in await db.fetch(TABLES, list(keep))}
        copy = [f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', f'CREATE SCHEMA "{schema}"']
        copy += [f'CREATE TABLE "{schema}"."{t}" AS TABLE public."{t}"' for t in tables]
        await db.execute(";\n".join(copy))
        # One statement empties every table and one refills them: foreign keys are checked at
        # the end of a statement, so the tables' order does not matter, cycles included.
        deletes = [f'd{i} AS (DELETE FROM public."{t}")' for i, t in enumerate(tables)]
        inserts = []
        for i, (t, columns) in enumerate(tables.items()):
            names = ", ".join(columns)
            inserts.append(
                f'i{i} AS (INSERT INTO public."{t}" ({names}) OVERRIDING SYSTEM VALUE '
                f'SELECT {names} FROM "{schema}"."{t}")'
            )
        statements = [f"WITH {', '.join(deletes)} SELECT 1", f"WITH {', '.join(inserts)} SELECT 1"]
        # One simple query of many statements runs as one transaction: all of it or nothing.
        return cls(schema, tuple(tables), ";\n".join(statements))

    async def restore(self) -> None:
        """Every table back to the rows it had when the snapshot was taken."""
        await db.execute(self.restore_sql)

    async def digest(self) -> dict[str, str]:
        """A fingerprint of each table's rows as they are now, to compare two moments."""
        parts = [
            f"SELECT '{t}' AS name, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), ''))"
            f' AS rows FROM public."{t}" r'
            for t in self.tables
        ]
        return {r["name"]: r["rows"] for r in await db.fetch(" UNION ALL ".join(parts))}

    async def drop(self) -> None:
        await db.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
