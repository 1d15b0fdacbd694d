import pytest

from guanxi.testing.users import make_user


@pytest.fixture
def admin(db):
    return make_user(role="administrator", full_name="Ada Admin")


@pytest.fixture
def rep(db):
    return make_user(role="sales_rep", full_name="李伟")
