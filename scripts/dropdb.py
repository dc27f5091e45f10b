"""Drop a PostgreSQL database, closing its connections first (used by the test command)."""

import os
import sys

import psycopg2
from psycopg2 import sql


def drop(name):
    connection = psycopg2.connect(
        dbname="postgres",
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER"),
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (name,),
        )
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        )
    connection.close()


if __name__ == "__main__":
    for database in sys.argv[1:]:
        drop(database)
