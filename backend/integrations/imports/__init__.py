"""The Excel/CSV import of accounts, contacts, leads and devices: read the file, map its columns,
check every row (a dry run changes nothing), apply the valid ones batch by batch."""
