"""catalog import files in chunks

Revision ID: 0013_import_file_chunks
Revises: 0012_active_products_count_index
Create Date: 2026-12-01

* catalog_import_chunks: an import's file as rows of about 1 MB (import_id, seq, data), so
  that neither the API storing an upload nor the worker reading it holds the whole file.
* catalog_imports.content goes; the files already stored become one chunk each.
* catalog_imports.heartbeat_at: when the running job last showed it was alive (an import
  running with no heartbeat for SHOP_IMPORT_STALL_SECONDS lost its worker and is failed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_import_file_chunks"
down_revision = "0012_active_products_count_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_import_chunks",
        sa.Column(
            "import_id",
            sa.Integer(),
            sa.ForeignKey(
                "catalog_imports.id",
                name="fk_catalog_import_chunks_import_id_catalog_imports",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", "seq", name="pk_catalog_import_chunks"),
    )
    op.execute(
        "INSERT INTO catalog_import_chunks (import_id, seq, data) "
        "SELECT id, 0, content FROM catalog_imports"
    )
    with op.batch_alter_table("catalog_imports") as batch:
        batch.drop_column("content")
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalog_imports") as batch:
        batch.drop_column("heartbeat_at")
        batch.add_column(
            sa.Column("content", sa.LargeBinary(), nullable=False, server_default=sa.text("''"))
        )
    connection = op.get_bind()
    imports = connection.execute(sa.text("SELECT id FROM catalog_imports")).scalars().all()
    for import_id in imports:
        chunks = connection.execute(
            sa.text("SELECT data FROM catalog_import_chunks WHERE import_id = :id ORDER BY seq"),
            {"id": import_id},
        ).scalars()
        connection.execute(
            sa.text("UPDATE catalog_imports SET content = :content WHERE id = :id"),
            {"content": b"".join(bytes(c) for c in chunks), "id": import_id},
        )
    op.drop_table("catalog_import_chunks")
