"""The CDNOW data shipped inside the ``lifetimes`` package (a dev dependency), read with
importlib.resources: ``lifetimes.datasets`` itself imports ``pkg_resources``, which new
setuptools no longer has."""

from __future__ import annotations

from importlib import resources

import numpy as np

OBSERVATION_END = "1997-09-30"  # end of the 39-week calibration period


def _path(name: str):
    return resources.files("lifetimes") / "datasets" / name


def summary() -> dict[str, np.ndarray]:
    """The published RFM summary of the 2,357 customers of the CDNOW sample (weeks)."""
    with _path("cdnow_customers_summary_with_transactions.csv").open() as file:
        rows = np.loadtxt(file, delimiter=",", skiprows=1)
    return {
        "id": rows[:, 0].astype(np.int64),
        "x": rows[:, 1],
        "t_x": rows[:, 2],
        "T": rows[:, 3],
        "m": rows[:, 4],  # zbar: mean spend of the repeat purchases, 0 without any
    }


def transactions() -> dict[str, np.ndarray]:
    """The CDNOW sample's transaction log (78 weeks from 1997-01-01): customer id in
    the sample, date, dollar amount."""
    with _path("CDNOW_sample.txt").open() as file:
        raw = np.loadtxt(file, dtype=str)
    dates = [f"{day[:4]}-{day[4:6]}-{day[6:]}" for day in raw[:, 2]]
    return {
        "id": raw[:, 1].astype(np.int64),
        "date": np.array(dates, dtype="datetime64[D]"),
        "amount": raw[:, 4].astype(np.float64),
    }
