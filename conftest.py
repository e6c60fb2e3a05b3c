"""Shared fixtures: organisations, users per role, clients logged in as them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from marketplace.accounts.middleware import SESSION_KEY
from marketplace.accounts.models import Organisation, OrganisationKind, User
from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory, member


@pytest.fixture(autouse=True)
def bokmaal():
    """Every test starts in Bokmål: a request with the English language cookie leaves English active in the thread
    (the locale middleware activates per request and never resets), which would leak into the next test."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path_factory):
    """Every test writes data files (FinOps Parquet, uploads) under its own temporary MPS_DATA_DIR, never var/
    (and not inside the test's own tmp_path, which tests may expect to stay empty)."""
    settings.DATA_DIR = tmp_path_factory.mktemp("data")
    return settings.DATA_DIR


@pytest.fixture
def buyer_org(db) -> Organisation:
    return OrganisationFactory(name="Norges vassdrags- og energidirektorat", orgnr="970205039")


@pytest.fixture
def other_buyer_org(db) -> Organisation:
    return OrganisationFactory(name="Voss herad", orgnr="964338442", kind=OrganisationKind.MUNICIPALITY)


@pytest.fixture
def supplier_org(db) -> Organisation:
    return SupplierFactory(name="Nordsky AS")


@pytest.fixture
def mps_org(db) -> Organisation:
    return OrganisationFactory(name="DFØ", orgnr="986252932", kind=OrganisationKind.MPS)


@pytest.fixture
def make_member(db) -> Callable[..., User]:
    return member


@pytest.fixture
def login() -> Callable[[User, Organisation | None], Client]:
    """A test client logged in as the user, acting for the organisation."""

    def _login(user: User, organisation: Organisation | None = None) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        if organisation is not None:
            session = client.session
            session[SESSION_KEY] = organisation.pk
            session.save()
        return client

    return _login
