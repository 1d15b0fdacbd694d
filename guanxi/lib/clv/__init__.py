"""Customer lifetime value: BG/NBD for purchases, Gamma-Gamma for spend, discounted CLV.

Pure NumPy/SciPy functions (no Django). Time is in whatever unit the RFM summary uses
(weeks by default, as in the CDNOW papers); see docs/clv.md.
"""

from guanxi.lib.clv.bgnbd import (
    BgNbdFit,
    ConvergenceError,
    bgnbd_log_likelihood,
    bgnbd_log_likelihoods,
    expected_purchases,
    fit_bgnbd,
    probability_alive,
)
from guanxi.lib.clv.gamma_gamma import (
    GammaGammaFit,
    expected_spend,
    fit_gamma_gamma,
    gamma_gamma_log_likelihoods,
)
from guanxi.lib.clv.summary import RfmSummary, rfm_summary
from guanxi.lib.clv.value import clv

__all__ = [
    "BgNbdFit",
    "ConvergenceError",
    "GammaGammaFit",
    "RfmSummary",
    "bgnbd_log_likelihood",
    "bgnbd_log_likelihoods",
    "clv",
    "expected_purchases",
    "expected_spend",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihoods",
    "probability_alive",
    "rfm_summary",
]
