"""The one variance engine: Taylor-linearised variances for any design, statistic and domain.

Every estimator in :mod:`analysis` reduces to a matrix of linearised values ("influence
functions") ``z`` with one row per respondent, and calls :func:`design_variance`. Domains are kept
inside the full design: a domain's column is ``z`` on the domain's rows and 0 elsewhere, never a
subset of the data (Lumley 2010, section 2.3; R's ``"[.survey.design2"``). This follows R's
``svyrecvar`` step by step:

1. Calibration (post-stratification, raking): replace ``z`` by its residuals within the
   calibration cells, operator by operator, in the order the calibrations were made (raking: ten
   sweeps over the margins, as R does).
2. For every stage ``s`` that enters the variance, with units ``u`` in groups ``g`` (strata at
   stage 1, clusters of stage ``s - 1`` later), unit totals ``t_u = sum of z over the unit``, and
   the stage's contribution

   .. math::

      V_s = \\sum_g m_g \\, (1 - f_g) \\, \\frac{n_g}{n_g - 1} \\sum_{u \\in g} (t_u - \\bar t_g)^2

   where ``n_g`` is the number of sampled units in the group, ``f_g`` its sampling fraction (0
   without fpc), and ``m_g`` the product of the sampling fractions of the group's ancestors (1 at
   stage 1). This is the unbiased multistage estimator of Wolter (2007, eq. 1.2.x) as R computes
   it (``onestrat`` / ``multistage``). A group with ``f_g < 1e-7`` is a census and contributes 0.
3. Groups with a single unit follow the design's ``lonely_psu`` rule (see
   :mod:`analysis.design`): ``adjust`` uses ``f_g t_u^2`` (centred at 0), ``average`` drops the
   group and scales the stage total by (groups present) / (groups not lonely), ``certainty`` and
   ``remove`` add nothing (survey 4.1 treats the two alike). For a domain, "present" means holding
   at least one of the domain's respondents, as in R's subset designs. At stages after the first,
   ``average`` averages over all groups of the stage (R, which recurses cluster by cluster, has
   no other group to average over and returns NaN there).

Everything is a vectorised group sum (``np.bincount`` over integer codes); the only Python loops
run over the (few) stages, calibration operators and statistics.

References
----------
Lumley T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
R package survey, ``svyrecvar``, ``multistage``, ``onestage``, ``onestrat`` (R/multistage.R).
Wolter K. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer.
"""

from __future__ import annotations

import numpy as np

from .design_arrays import CENSUS_TOLERANCE, RAKE_VARIANCE_SWEEPS, DesignArrays

__all__ = ["RAKE_VARIANCE_SWEEPS", "design_variance"]


def _sum_by(codes: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum each column of ``values`` (n, k) by integer ``codes`` into ``(size, k)``."""
    k = values.shape[1]
    out = np.empty((size, k))
    for j in range(k):
        out[:, j] = np.bincount(codes, weights=values[:, j], minlength=size)
    return out


def _index(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Compress int64 keys in ``[0, size)``: returns (distinct keys, code of each key)."""
    if size <= 4 * key.size + 4096:
        hit = np.bincount(key, minlength=size) > 0
        distinct = np.flatnonzero(hit)
        lookup = np.cumsum(hit) - 1
        return distinct, lookup[key]
    distinct, inverse = np.unique(key, return_inverse=True)
    return distinct, inverse


def _calibration_terms(design: DesignArrays, z: np.ndarray, domain: np.ndarray, D: int):
    """Residualise z for the design's calibrations, in compact form.

    After the operators ``x <- x - a_j * (B cell means)``, the residual is
    ``x = z + sum_j a_j * B_j[g_j(i), d, :]`` with small matrices ``B_j`` (cells x domains x k).
    Returns the list of (operator, B_j).
    """
    ops = []
    seq = []
    for cal in design.calibrations:
        first = len(ops)
        ops.extend(cal.operators)
        idx = list(range(first, len(ops)))
        seq.extend(idx * cal.sweeps)
    if not ops:
        return []
    k = z.shape[1]
    inset = domain >= 0
    # compact sums of b_j * z by (cell, domain)
    C = []
    for op in ops:
        key = op.group[inset] * D + domain[inset]
        C.append(_sum_by(key, z[inset] * op.b[inset, None], op.n_groups * D).reshape(op.n_groups, D * k))
    # cross sums K[j][l] = sum_i b_j a_l by (cell_j, cell_l)
    K = [[None] * len(ops) for _ in ops]
    for j, oj in enumerate(ops):
        for l, ol in enumerate(ops):
            K[j][l] = np.bincount(
                oj.group * ol.n_groups + ol.group, weights=oj.b * ol.a, minlength=oj.n_groups * ol.n_groups
            ).reshape(oj.n_groups, ol.n_groups)
    B = [np.zeros((op.n_groups, D * k)) for op in ops]
    for j in seq:
        m = C[j].copy()
        for l in range(len(ops)):
            if B[l].any():
                m += K[j][l] @ B[l]
        B[j] -= m
    return [(ops[j], B[j].reshape(ops[j].n_groups, D, k)) for j in range(len(ops))]


def design_variance(
    z: np.ndarray,
    design: DesignArrays,
    *,
    domain: np.ndarray | None = None,
    n_domains: int = 1,
    support: np.ndarray | None = None,
) -> np.ndarray:
    """Design-based variance of totals of linearised values, per domain and statistic.

    Parameters
    ----------
    z : ndarray, shape (n,) or (n, k)
        Linearised values of k statistics for each row (for a mean: ``w (y - ybar) / W``; for a
        total: ``w y``), 0 for rows that do not take part (missing values).
    design : DesignArrays
        The compiled design (:attr:`analysis.design.SurveyDesign.arrays`); a ``SurveyDesign`` is
        accepted too and compiled here.
    domain : ndarray of int, shape (n,), optional
        Domain code of each row in ``0 .. n_domains - 1``, or -1 for rows outside every domain.
        The value ``z[i, v]`` belongs to column ``(domain[i], v)``; other columns of row i are 0.
    n_domains : int
    support : ndarray of bool, shape (n,) or (n, k), optional
        Rows that belong to each statistic's estimation set (in the domain, value not missing).
        Only the ``"average"`` lonely-PSU rule needs it, to count the strata a domain reaches
        (as R counts the strata of its subset). Defaults to the rows of the domain.

    Returns
    -------
    ndarray, shape (n_domains, k)
        Variances, in squared units of the statistic.
    """
    design = getattr(design, "arrays", design)
    z = np.asarray(z, dtype=np.float64)
    squeeze = z.ndim == 1
    if squeeze:
        z = z[:, None]
    n, k = z.shape
    D = int(n_domains)
    if domain is None:
        domain = np.zeros(n, dtype=np.int64)
    else:
        domain = np.asarray(domain, dtype=np.int64)
    inset = domain >= 0
    terms = _calibration_terms(design, z, domain, D)

    total = np.zeros((D, k))
    for s in range(design.variance_stages):
        st = design.stages[s]
        G = st.n_groups
        U = st.n_units
        if terms:
            # calibrated: residuals are non-zero in every domain: full (unit x domain) grid
            T = _sum_by(st.unit[inset] * D + domain[inset], z[inset], U * D).reshape(U, D, k)
            for op, B in terms:
                Ua = np.bincount(st.unit * op.n_groups + op.group, weights=op.a, minlength=U * op.n_groups)
                T += (Ua.reshape(U, op.n_groups) @ B.reshape(op.n_groups, D * k)).reshape(U, D, k)
            pair_unit = np.repeat(np.arange(U), D)
            pair_dom = np.tile(np.arange(D), U)
            T = T.reshape(U * D, k)
        else:
            everyone = bool(inset.all())
            key = st.unit * D + domain if everyone else st.unit[inset] * D + domain[inset]
            distinct, code = _index(key, U * D)
            T = _sum_by(code, z if everyone else z[inset], distinct.size)
            pair_unit = distinct // D
            pair_dom = distinct % D
        pair_group = st.unit_group[pair_unit]
        cell = pair_group * D + pair_dom
        size = st.group_size.astype(np.float64)
        n_cells = G * D
        S = _sum_by(cell, T, n_cells)  # (G*D, k)
        cnt = np.bincount(cell, minlength=n_cells).astype(np.float64)
        n_g = np.repeat(size, D)
        mean = S / np.where(n_g > 0, n_g, 1.0)[:, None]
        dev = T - mean[cell]
        ss = _sum_by(cell, dev * dev, n_cells) + (n_g - cnt)[:, None] * mean * mean

        f = st.fpc
        lonely = st.group_size == 1
        scale = np.where(lonely, f, f * size / np.where(lonely, 1.0, size - 1.0))
        scale = np.where(f < CENSUS_TOLERANCE, 0.0, scale) * st.multiplier
        contrib = ss * np.repeat(scale, D)[:, None]

        rule = design.lonely_psu
        active_lonely = lonely & (f >= CENSUS_TOLERANCE)
        factor = np.ones((D, k))
        if active_lonely.any():
            mask = np.repeat(active_lonely, D)
            if rule == "adjust":
                raw = _sum_by(cell, T * T, n_cells)
                contrib[mask] = (raw * np.repeat(scale, D)[:, None])[mask]
            elif rule in ("certainty", "remove"):
                contrib[mask] = 0.0
            elif rule == "average":
                contrib[mask] = 0.0
                present = _presence(design, s, domain, D, support, k)  # (G, D, k) bool
                n_present = present.sum(axis=0)
                n_ok = (present & ~active_lonely[:, None, None]).sum(axis=0)
                factor = np.where(n_ok > 0, n_present / np.where(n_ok > 0, n_ok, 1), 0.0)
            # "fail" cannot reach here: the design refuses lonely groups at construction
        total += contrib.reshape(G, D, k).sum(axis=0) * factor
    return total[:, 0] if squeeze else total


def _presence(design: DesignArrays, s: int, domain: np.ndarray, D: int, support, k: int) -> np.ndarray:
    """Which groups of stage s hold at least one supporting row of each (domain, statistic)."""
    st = design.stages[s]
    G = st.n_groups
    row_group = design.strata_codes if s == 0 else design.stages[s - 1].unit
    if support is None:
        sup = np.broadcast_to((domain >= 0)[:, None], (domain.size, k))
    else:
        sup = np.asarray(support, dtype=bool)
        if sup.ndim == 1:
            sup = np.broadcast_to(sup[:, None], (sup.size, k))
        sup = sup & (domain >= 0)[:, None]
    sup = sup & (design.weights > 0)[:, None]
    key = row_group * D + np.where(domain >= 0, domain, 0)
    out = np.empty((G, D, k), dtype=bool)
    for j in range(k):
        out[:, :, j] = (np.bincount(key, weights=sup[:, j].astype(np.float64), minlength=G * D) > 0).reshape(G, D)
    return out
