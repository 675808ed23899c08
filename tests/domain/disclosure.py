"""Linear-algebra audit: is a hidden figure fixed exactly by the published ones?

Each figure is a sum of atoms (concern counts by unit, theme and barrier): a vector of 0s and 1s.
A hidden figure can be worked back exactly when its vector lies in the span of the published ones
(then a combination of published figures equals it); otherwise some other set of atoms fits every
published figure and changes it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def determined(published: Sequence[np.ndarray], hidden: Sequence[np.ndarray], tol: float = 1e-8) -> list[int]:
    """Return the indexes of ``hidden`` vectors that lie in the span of ``published``."""
    if not hidden:
        return []
    if not published:
        return [i for i, h in enumerate(hidden) if not h.any()]
    matrix = np.array(published, dtype=float)
    # An orthonormal basis of the published rows' span; a hidden vector is determined when its
    # projection onto that span is itself.
    u, s, vt = np.linalg.svd(matrix, full_matrices=False)
    basis = vt[s > tol * max(matrix.shape) * (s[0] if len(s) else 1.0)]
    h = np.array(hidden, dtype=float)
    residual = h - (h @ basis.T) @ basis
    return [i for i, r in enumerate(np.linalg.norm(residual, axis=1)) if r < 1e-6]
