"""Simotel PBX access: the REST API v4 client, its errors, the roster and simulator."""

from pbx.client import (
    BatchResult,
    Extension,
    Membership,
    Pair,
    PairOutcome,
    Queue,
    SimotelClient,
)
from pbx.errors import (
    PbxAuthError,
    PbxBadResponse,
    PbxError,
    PbxIpNotAllowed,
    PbxNotFound,
    PbxOperationFailed,
    PbxPermissionDenied,
    PbxRequestRejected,
    PbxServiceMissing,
    PbxTimeout,
    PbxUnreachable,
)
from pbx.roster import load_roster_csv

__all__ = [
    "BatchResult",
    "Extension",
    "Membership",
    "Pair",
    "PairOutcome",
    "PbxAuthError",
    "PbxBadResponse",
    "PbxError",
    "PbxIpNotAllowed",
    "PbxNotFound",
    "PbxOperationFailed",
    "PbxPermissionDenied",
    "PbxRequestRejected",
    "PbxServiceMissing",
    "PbxTimeout",
    "PbxUnreachable",
    "Queue",
    "SimotelClient",
    "load_roster_csv",
    "RunningSimulator",
    "Simulator",
    "start_simulator",
]

_SIMULATOR_NAMES = {"RunningSimulator", "Simulator", "start_simulator"}


def __getattr__(name):
    """Import the simulator only when asked, so `python -m pbx.simulator` runs clean."""
    if name in _SIMULATOR_NAMES:
        from pbx import simulator

        return getattr(simulator, name)
    raise AttributeError(f"module 'pbx' has no attribute {name!r}")
