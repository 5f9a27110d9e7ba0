"""Exceptions for failed PBX calls, all under one root class."""


class PbxError(Exception):
    """Report a PBX call that did not give a usable answer.

    `str(err)` names the cause in a full sentence and adds the PBX's own message when
    there is one. `advice` tells the admin or supervisor what to do. `may_have_acted`
    is True when the PBX may have carried out the request anyway, so callers must
    record the outcome as unknown rather than failed.
    """

    label = "error"
    default_advice = (
        "Check Maintenance > API Logs on the PBX and report the problem if it persists."
    )
    default_may_have_acted = False

    def __init__(
        self,
        cause,
        *,
        endpoint="",
        status=None,
        pbx_message="",
        advice="",
        may_have_acted=None,
    ):
        self.cause = cause
        self.endpoint = endpoint
        self.status = status
        self.pbx_message = pbx_message or ""
        self.advice = advice or self.default_advice.format(endpoint=endpoint)
        if may_have_acted is None:
            may_have_acted = self.default_may_have_acted
        self.may_have_acted = may_have_acted
        super().__init__(_sentence(cause, self.pbx_message))


def _sentence(cause, pbx_message):
    """Join the cause and the PBX's message into one readable text."""
    if not pbx_message:
        return cause
    if pbx_message[-1] not in ".!?":
        pbx_message += "."
    return f"{cause} The PBX said: {pbx_message}"


class PbxUnreachable(PbxError):
    """Fail to reach the PBX at all: refused, unknown host or connect timeout."""

    label = "unreachable"
    default_advice = (
        "Check that PBX_URL names the PBX, that the PBX is running and that this "
        "server can reach it over the network."
    )

    def __init__(self, cause, *, reason="unreachable", **kwargs):
        super().__init__(cause, **kwargs)
        self.label = reason


class PbxTimeout(PbxError):
    """Send the request but get no answer within the read timeout."""

    label = "timeout"
    default_advice = (
        "The PBX may still have carried out the request: check the agents' state on "
        "the PBX before trying again."
    )
    default_may_have_acted = True


class PbxAuthError(PbxError):
    """Be refused with 401 because credentials are missing or wrong."""

    label = "unauthorized"
    default_advice = (
        "Check the API username, password and API key the dashboard uses against the "
        "API account in Maintenance > API Accounts on the PBX."
    )


class PbxIpNotAllowed(PbxError):
    """Be refused with 403 because this server's IP is not on the allow-list."""

    label = "ip-not-allowed"
    default_advice = (
        "Add this server's IP address to the allowed IPs in Maintenance > Settings > "
        "Simotel API on the PBX."
    )


class PbxPermissionDenied(PbxError):
    """Be refused with 403 because the API account may not call this endpoint."""

    label = "access-denied"
    default_advice = (
        "Tick /{endpoint} in the Request list of the dashboard's API account in "
        "Maintenance > API Accounts on the PBX."
    )


class PbxNotFound(PbxError):
    """Get 404 from the PBX's web server: the URL points nowhere."""

    label = "not-found"
    default_advice = (
        "Check PBX_URL and PBX_API_PREFIX: the PBX's web server has no API at the "
        "address the dashboard used."
    )


class PbxRequestRejected(PbxError):
    """Get 400, 405 or 415: the PBX could not accept what the dashboard sent."""

    label = "rejected"
    default_advice = (
        "This is a bug in the dashboard or a PBX version it does not support: "
        "report it with the time of the attempt."
    )


class PbxServiceMissing(PbxError):
    """Get 501: this PBX version does not offer the endpoint."""

    label = "service-missing"
    default_advice = (
        "This PBX version does not offer {endpoint}: upgrade Simotel to use this "
        "feature."
    )


class PbxOperationFailed(PbxError):
    """Get HTTP 200 with success 0: the PBX understood but did not do it."""

    label = "success=0"
    default_advice = (
        "The PBX did not carry out the request: read its message and correct the "
        "request or the PBX configuration."
    )


class PbxBadResponse(PbxError):
    """Get an answer the client cannot use: not JSON, odd shape or a server error."""

    label = "bad-response"
