"""Concurrent submissions on PostgreSQL: the CallOff row lock serialises them; no duplicate, nothing lost."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from marketplace.calloffs.models import Offer, OfferReceipt
from marketplace.calloffs.services import offers
from marketplace.calloffs.tests.mini_world import T0, acting, build_world, publish

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_concurrently(jobs):
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_same_supplier_twice_at_once_gives_one_offer_two_receipts():
    world = build_world()
    publish(world)
    now = T0 + dt.timedelta(days=1)

    def submit(price):
        return lambda: offers.offer_submit(
            actor=acting(world.bidders[0], world.suppliers[0]),
            calloff=world.calloff,
            supplier=world.suppliers[0],
            content={"price_amount": price, "description": "x"},
            now=now,
        )

    results = run_concurrently([submit("100.00"), submit("200.00")])
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted((r.kind, r.version) for r in results) == [("replaced", 2), ("submitted", 1)]
    offer = Offer.objects.get()
    assert offer.version == 2
    assert offer.sha256 == next(r.sha256 for r in results if r.version == 2)
    assert OfferReceipt.objects.count() == 2


def test_many_suppliers_at_once_all_stored():
    world = build_world()
    publish(world)
    now = T0 + dt.timedelta(days=1)
    jobs = [
        (
            lambda i=i: offers.offer_submit(
                actor=acting(world.bidders[i], world.suppliers[i]),
                calloff=world.calloff,
                supplier=world.suppliers[i],
                content={"price_amount": f"{100 + i}.00", "description": "x"},
                now=now,
            )
        )
        for i in range(3)
    ]
    results = run_concurrently(jobs)
    assert all(not isinstance(r, Exception) for r in results), results
    assert Offer.objects.count() == 3
    assert sorted(Offer.objects.values_list("sha256", flat=True)) == sorted(r.sha256 for r in results)
