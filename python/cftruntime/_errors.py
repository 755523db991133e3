"""The status codes of libcft.so (cft.h's CFT_OK, CFT_ERROR_*) as exceptions.

The values come from runtime/Errors/CftStatus.cs, the one source; tests/Native/StatusCodeContractTests.cs checks
this table against it.
"""

STATUS_CODES = {
    "CFT_OK": 0,
    "CFT_ERROR_ARGUMENT": 1,
    "CFT_ERROR_UNKNOWN_GROUP": 2,
    "CFT_ERROR_BUFFER_TOO_SMALL": 3,
    "CFT_ERROR_SYMMETRY": 4,
    "CFT_ERROR_INTERNAL": 5,
    "CFT_ERROR_MODEL": 6,
}


class CftError(Exception):
    """An error from CftRuntime: `code` is the C status (cft.h), `message` the library's text; for a prediction that
    failed on one structure of a batch, `structure` is its index and `id` its id (cft_failed_structure)."""

    code = None

    def __init__(self, message, code=None, structure=None, id=None):
        super().__init__(message if id is None else f"{message} (id {id!r})")
        self.message = message
        self.structure = structure
        self.id = id
        if code is not None:
            self.code = code


class ArgumentError(CftError, ValueError):
    """Bad input: a wrong shape, a value that is not a finite number, an element out of 1..118, a closed model."""
    code = STATUS_CODES["CFT_ERROR_ARGUMENT"]


class UnknownGroupError(CftError, LookupError):
    """A space group (number, symbol or setting) the catalogue does not have."""
    code = STATUS_CODES["CFT_ERROR_UNKNOWN_GROUP"]


class BufferTooSmallError(CftError):
    """An output buffer smaller than the result (internal to this package: it sizes its buffers)."""
    code = STATUS_CODES["CFT_ERROR_BUFFER_TOO_SMALL"]


class SymmetryError(CftError):
    """spglib found no space group for a structure, could not standardise it, or is not installed."""
    code = STATUS_CODES["CFT_ERROR_SYMMETRY"]


class InternalError(CftError):
    """A bug in CftRuntime; the message says where."""
    code = STATUS_CODES["CFT_ERROR_INTERNAL"]


class ModelError(CftError):
    """A model that cannot be found, read or run, or that does not match this runtime."""
    code = STATUS_CODES["CFT_ERROR_MODEL"]


_BY_CODE = {cls.code: cls for cls in (ArgumentError, UnknownGroupError, BufferTooSmallError, SymmetryError, InternalError, ModelError)}


def raise_for_status(status, message, structure=None, id=None):
    cls = _BY_CODE.get(status)
    if cls is None:
        raise CftError(f"status {status}: {message}", status, structure, id)
    raise cls(message, structure=structure, id=id)
