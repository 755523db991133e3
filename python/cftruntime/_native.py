"""libcft.so through ctypes: the signatures of cft.h, the status codes as exceptions, the JSON results.

ctypes releases the GIL for every call into the library, so Python threads predict in parallel. The per-thread
state of the library (last error, domain notes, JSON results) is read on the same thread right after the call.
"""
import ctypes
import json
import os
import threading

from ._errors import raise_for_status

_here = os.path.dirname(os.path.abspath(__file__))

c_int32_p = ctypes.POINTER(ctypes.c_int32)
c_double_p = ctypes.POINTER(ctypes.c_double)
c_float_p = ctypes.POINTER(ctypes.c_float)
c_char_pp = ctypes.POINTER(ctypes.c_char_p)

# name: (argument types); every function returns int (the status) unless listed in _RESTYPES.
_SIGNATURES = {
    "cft_version": [],
    "cft_last_error": [],
    "cft_feature_count": [c_int32_p],
    "cft_feature_frequencies": [c_int32_p, ctypes.c_int32, c_int32_p],
    "cft_group_find": [ctypes.c_char_p, c_int32_p, c_int32_p],
    "cft_featurize_ex": [ctypes.c_int32, c_double_p, ctypes.c_int32, c_int32_p, c_double_p, c_float_p, ctypes.c_int64, c_int32_p,
                         c_int32_p, c_int32_p, c_double_p, ctypes.c_int32],
    "cft_basis_size": [ctypes.c_char_p, c_int32_p, c_int32_p, c_int32_p, c_int32_p],
    "cft_basis_table": [ctypes.c_char_p, c_int32_p, ctypes.c_int32, c_int32_p, c_int32_p, ctypes.c_int32, c_int32_p, ctypes.c_int32],
    "cft_basis_evaluate": [ctypes.c_char_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, c_double_p, c_double_p],
    "cft_symmetry": [c_double_p, ctypes.c_int32, c_int32_p, c_double_p, ctypes.c_double, c_char_pp],
    "cft_read": [ctypes.c_char_p, c_char_pp],
    "cft_models": [ctypes.c_char_p, c_char_pp],
    "cft_model_open": [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)],
    "cft_model_close": [ctypes.c_void_p],
    "cft_model_metadata": [ctypes.c_void_p, c_char_pp],
    "cft_predict_ex": [ctypes.c_void_p, ctypes.c_int32, c_double_p, c_int32_p, c_int32_p, c_double_p, c_int32_p, c_double_p, c_double_p, c_int32_p],
    "cft_predict_tensor": [ctypes.c_void_p, ctypes.c_int32, c_double_p, c_int32_p, c_int32_p, c_double_p, c_int32_p, c_double_p, c_double_p, c_int32_p],
    "cft_model_tensor": [ctypes.c_void_p, c_int32_p, c_int32_p],
    "cft_domain_note": [ctypes.c_int32],
    "cft_failed_structure": [],
}
_RESTYPES = {"cft_version": ctypes.c_char_p, "cft_last_error": ctypes.c_char_p, "cft_domain_note": ctypes.c_char_p, "cft_failed_structure": ctypes.c_int32}

_lock = threading.Lock()
_lib = None


def library_path():
    """$CFT_LIBRARY when set, else the libcft.so shipped inside the package (cftruntime/_lib/)."""
    return os.environ.get("CFT_LIBRARY") or os.path.join(_here, "_lib", "libcft.so")


def lib():
    """The loaded library (loaded once, on first use)."""
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                path = library_path()
                if not os.path.exists(path):
                    raise ImportError(f"cftruntime: libcft.so not found at {path} (install the wheel, or set CFT_LIBRARY to a published libcft.so)")
                handle = ctypes.CDLL(path)
                for name, argtypes in _SIGNATURES.items():
                    f = getattr(handle, name)
                    f.argtypes = argtypes
                    f.restype = _RESTYPES.get(name, ctypes.c_int)
                _lib = handle
    return _lib


def last_error():
    return lib().cft_last_error().decode("utf-8", "replace")


def call(name, *args):
    """Calls cft_<name> and raises the CftError subclass of a non-zero status with the library's message."""
    status = getattr(lib(), name)(*args)
    if status != 0:
        raise_for_status(status, last_error())
    return status


def call_json(name, *args):
    """Calls a function whose last argument is `const char **json` and returns the parsed JSON."""
    out = ctypes.c_char_p()
    call(name, *args, ctypes.byref(out))
    return json.loads(out.value.decode("utf-8"))


def pointer(array, ctype):
    """A ctypes pointer into a NumPy array (no copy); None for None."""
    return None if array is None else array.ctypes.data_as(ctypes.POINTER(ctype))
