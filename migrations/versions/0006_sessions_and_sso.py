"""sessions that end, case-insensitive usernames, single-use SSO tokens

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa

import quiz.models.types


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))

    # Accounts that differ from an older one only by case could never sign in (the older one
    # always matched): they get a suffix so the case-insensitive index can be built.
    op.execute(
        "UPDATE users SET username = username || '_' || CAST(id AS VARCHAR(12)) "
        "WHERE id NOT IN (SELECT MIN(id) FROM users GROUP BY lower(username))"
    )
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)

    op.create_table('sso_token_uses',
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('expires_at', quiz.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('jti', name=op.f('pk_sso_token_uses'))
    )
    with op.batch_alter_table('sso_token_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_token_uses_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sso_token_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_token_uses_expires_at'))
    op.drop_table('sso_token_uses')
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
