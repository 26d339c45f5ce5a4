"""The value transport: how a test in the grader's process sees the student's kernel.

The tests of an assignment never run in the student's kernel, where the submission may have
patched ``numpy.isclose``, builtins or anything else. They run in the grading process, which
asks the kernel (through :data:`KERNEL_HELPER`, installed in the kernel after the notebook ran)
for the value of a name, or for a call of a student's function with given arguments. The
kernel answers with JSON of plain data, which :func:`decode` turns into plain values of the
grader's own making:

* numbers in any natural form become Python numbers: ``int``, ``float`` and ``bool``; NumPy
  scalars of every integer, unsigned, float and bool type; 0-d arrays; ``fractions.Fraction``
  and ``decimal.Decimal``; sympy numbers (``Integer``, ``Rational``, ``Float``) and numeric
  sympy expressions such as ``sqrt(2)/2``, which the kernel evaluates to a float;
* arrays of numbers (any integer, float or bool dtype, sympy matrices of numbers, and object
  arrays whose elements are numbers in the forms above) become NumPy arrays of their shape;
* strings, ``None``, tuples, lists and dicts with string keys of all these stay what they are;
* a NumPy ``Generator`` (PCG64) becomes a generator in the same state;
* a function becomes a :class:`Function` that calls the student's function in the kernel
  with copies of its arguments, and returns a copy of its result the same way; a test may
  call it with reference versions of the functions it uses (``f.with_reference(source,
  *args)``: the functions that the test's source defines stand in for the notebook's of the
  same names during the call), so that a later question is graded on its own, not on the
  notebook's earlier answers;
* anything else (a subclass of ``float``, an object equal to everything, a symbolic
  expression with free symbols, a complex number) becomes an :class:`Opaque` stand-in equal to
  nothing but itself, so that every comparison with it fails.

Exact types are checked in the kernel, and :func:`decode` builds only plain values from plain
JSON: whatever a submission has patched in its kernel, no object of its making reaches a test.
"""

from __future__ import annotations

import json

#: Runs in the student's kernel after the notebook: answers the grader's requests for a
#: global's value or for a call of a student's function, as JSON of plain values after a
#: marker line. Whatever the submission has patched, what comes out is data, decoded strictly
#: by the grader (`decode`), never an object of the submission's making.
KERNEL_HELPER = r"""
def __coursekit_rpc__(request):
    import decimal as _decimal
    import fractions as _fractions
    import json as _json
    import sys as _sys
    import types as _types

    import numpy as _np

    _scalars = frozenset(_np.dtype(c).type for c in "?bhilqpBHILQPefdg")
    _sympy = _sys.modules.get("sympy")

    def number(v):
        # A Python number for a real number in any natural form; ValueError for anything else.
        t = type(v)
        if t in (bool, int, float):
            return v
        if t in _scalars:
            return float(v) if v.dtype.kind == "f" else v.item()
        if t is _np.ndarray and v.ndim == 0 and v.dtype.kind in "biufO":
            return number(v[()])
        if t in (_fractions.Fraction, _decimal.Decimal):
            return float(v)
        if _sympy is not None and isinstance(v, _sympy.Basic) and v.is_number:
            if v.is_Integer:
                return int(v)
            value = float(v)   # evaluates sqrt(2)/2; TypeError when complex
            return float.__float__(value)
        raise ValueError("not a number")

    def enc(v, top=False):
        t = type(v)
        if v is None or t in (bool, int, float, str):
            return v
        if t in (tuple, list):
            return {"t": t.__name__, "v": [enc(x) for x in v]}
        if t is dict and all(type(k) is str for k in v):
            return {"t": "dict", "v": {k: enc(x) for k, x in v.items()}}
        try:
            if t is _np.ndarray and v.ndim > 0:
                if v.dtype.kind == "O":   # an array of sympy numbers, say
                    v = _np.array([number(x) for x in v.ravel()], dtype=float).reshape(v.shape)
                if v.dtype.kind in "biuf":
                    if v.dtype.kind == "f" and v.dtype.itemsize > 8:
                        v = v.astype(float)
                    return {"t": "array", "dtype": v.dtype.str, "shape": list(v.shape),
                            "v": v.ravel().tolist()}
            if _sympy is not None and isinstance(v, _sympy.MatrixBase):
                values = [number(x) for x in v]
                return {"t": "array", "dtype": "<f8", "shape": list(v.shape), "v": values}
            x = number(v)
            kind = "b" if type(x) is bool else "i" if type(x) is int else "f"
            return {"t": "number", "kind": kind, "v": x}
        except (ValueError, TypeError, ArithmeticError, AttributeError):
            pass
        if t is _np.random.Generator and type(v.bit_generator) is _np.random.PCG64:
            return {"t": "rng", "state": v.bit_generator.state}
        if top and callable(v):
            return {"t": "function"}
        try:
            text = repr(v)[:200]
        except BaseException:
            text = "?"
        return {"t": "object", "type": getattr(t, "__name__", "?"), "repr": text}

    def dec(v):
        if not isinstance(v, dict):
            return v
        t = v["t"]
        if t in ("tuple", "list"):
            items = [dec(x) for x in v["v"]]
            return tuple(items) if t == "tuple" else items
        if t == "dict":
            return {k: dec(x) for k, x in v["v"].items()}
        if t == "array":
            return _np.array(v["v"], dtype=_np.dtype(v["dtype"])).reshape(v["shape"])
        if t == "scalar":
            return _np.dtype(v["dtype"]).type(v["v"])
        if t == "rng":
            g = _np.random.Generator(_np.random.PCG64())
            g.bit_generator.state = v["state"]
            return g
        raise TypeError(f"cannot send {t}")

    req = _json.loads(request)
    ns = get_ipython().user_ns
    try:
        if req["op"] == "get":
            out = ({"value": enc(ns[req["name"]], top=True)} if req["name"] in ns
                   else {"missing": True})
        else:
            args = [dec(a) for a in req["args"]]
            kwargs = {k: dec(a) for k, a in req["kwargs"].items()}
            func = ns[req["name"]]
            # The test's reference functions (its own source), in place of the notebook's
            # functions of the same names while the call runs: the function is graded on its
            # own, whatever the notebook's earlier answers are.
            reference = {"__name__": "__coursekit_reference__"}
            if req.get("reference"):
                exec(req["reference"], reference)
            patch = {k: v for k, v in reference.items()
                     if type(v) is _types.FunctionType and v.__globals__ is reference}
            missing = object()
            saved = {k: ns.get(k, missing) for k in patch}
            ns.update(patch)
            try:
                value = func(*args, **kwargs)
            finally:
                for k, v in saved.items():
                    if v is missing:
                        ns.pop(k, None)
                    else:
                        ns[k] = v
            rngs = {str(i): a.bit_generator.state for i, a in enumerate(args)
                    if type(a) is _np.random.Generator}
            out = {"value": enc(value), "rngs": rngs}
    except MemoryError as exc:
        out = {"error": f"MemoryError: {exc}", "memory": True}
    except BaseException as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"}
    print("\n@@coursekit@@" + _json.dumps(out))
"""
MARKER = "@@coursekit@@"


class GradingAborted(BaseException):  # not an Exception: otter's tests must not catch it
    """The submission cannot be graded any further (its kernel died, ran out of memory, or
    stopped answering); it scores 0 with this message as its error."""


class KernelDied(Exception):
    """The student's kernel is no longer alive."""


class StudentError(Exception):
    """An exception raised by the student's function, with its type and message."""


class Opaque:
    """What a test receives for an object of the submission that is not a plain value: it
    equals nothing but itself and is not a number, so every comparison with it fails."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<a {self.type_name} object, not a plain value: {self.text}>"


_PLAIN_NUMBERS = {"b": bool, "i": int, "u": int, "f": float}


def decode(v):
    """A plain value from the kernel's JSON; anything unexpected becomes an Opaque."""
    import numpy as np

    if v is None or type(v) in (bool, int, float, str):
        return v
    if type(v) is not dict:
        return Opaque("?", repr(v)[:200])
    t = v.get("t")
    try:
        if t in ("tuple", "list"):
            items = [decode(x) for x in v["v"]]
            return tuple(items) if t == "tuple" else items
        if t == "dict":
            return {str(k): decode(x) for k, x in v["v"].items()}
        if t == "array":
            dtype = np.dtype(v["dtype"])
            if dtype.kind in "biuf" and type(v["v"]) is list:
                values = v["v"]
                if not all(type(x) in (bool, int, float) for x in values):
                    raise TypeError("not numbers")
                array = np.array(values, dtype=dtype).reshape(v["shape"])
                if array.ndim == 0:  # a 0-d array is a number
                    return _PLAIN_NUMBERS[dtype.kind](array.item())
                return array
        if t == "number" and type(v["v"]) in (bool, int, float):
            return _PLAIN_NUMBERS[v["kind"]](v["v"])
        if t == "rng":
            g = np.random.Generator(np.random.PCG64())
            g.bit_generator.state = v["state"]
            return g
        if t == "object":
            return Opaque(str(v.get("type")), str(v.get("repr")))
    except (KeyError, TypeError, ValueError, OverflowError):
        pass
    return Opaque(str(t), "")


def encode(v):
    """A test's argument for the kernel (the grader's own objects: trusted)."""
    import numpy as np

    if v is None or type(v) in (bool, int, float, str):
        return v
    if isinstance(v, (tuple, list)):
        return {"t": "tuple" if isinstance(v, tuple) else "list", "v": [encode(x) for x in v]}
    if isinstance(v, dict):
        return {"t": "dict", "v": {str(k): encode(x) for k, x in v.items()}}
    if isinstance(v, np.ndarray):
        return {"t": "array", "dtype": v.dtype.str, "shape": list(v.shape), "v": v.tolist()}
    if isinstance(v, np.generic):
        return {"t": "scalar", "dtype": v.dtype.str, "v": v.item()}
    if isinstance(v, np.random.Generator):
        return {"t": "rng", "state": v.bit_generator.state}
    if isinstance(v, (int, float)):
        return encode(type(v).__mro__[1](v)) if type(v) is not bool else bool(v)
    raise TypeError(f"a test cannot pass a {type(v).__name__} to the submission")


def out_of_memory(outputs) -> bool:
    """Whether a cell failed for want of memory (a MemoryError, or a library that could not
    be loaded or allocate under the cap)."""
    signs = ("MemoryError", "Cannot allocate memory", "failed to map segment")
    for out in outputs:
        if out.get("output_type") == "error":
            text = f"{out.get('ename')}: {out.get('evalue')}"
            if any(sign in text for sign in signs):
                return True
    return False


class Kernel:
    """The student's kernel after the notebook ran, seen through plain values only.

    ``runner.run(code)`` executes code in the kernel and returns its outputs (stream text and
    errors), raising :class:`KernelDied` when the kernel is gone."""

    def __init__(self, runner, memory_gb: float):
        self.runner, self.memory_gb, self.cache = runner, memory_gb, {}
        self.call(KERNEL_HELPER)

    def call(self, code: str) -> list[dict]:
        try:
            return self.runner.run(code)
        except KernelDied:
            raise GradingAborted("the kernel died while the tests ran") from None

    def request(self, req: dict):
        outputs = self.call(f"__coursekit_rpc__({json.dumps(json.dumps(req))})")
        text = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
        lines = [line for line in text.splitlines() if line.startswith(MARKER)]
        if not lines and out_of_memory(outputs):
            raise GradingAborted(self.memory_error("while the tests ran"))
        if not lines:
            raise GradingAborted("the kernel stopped answering the grader's requests")
        out = json.loads(lines[-1][len(MARKER) :])
        if out.get("memory"):
            raise GradingAborted(self.memory_error(out["error"]))
        return out

    def memory_error(self, detail: str) -> str:
        return (
            f"ran out of memory: the submission tried to use more than the cap of "
            f"{self.memory_gb:g} GB ({detail})"
        )

    def get(self, name: str):
        if name not in self.cache:
            out = self.request({"op": "get", "name": name})
            if out.get("missing"):
                value = None
            elif out["value"] == {"t": "function"}:
                value = Function(self, name)
            else:
                value = decode(out["value"])
            self.cache[name] = value
        return self.cache[name]


class Function:
    """Stands in for a function of the submission: calls it in the kernel with copies of its
    arguments and returns a plain copy of its result."""

    def __init__(self, kernel: Kernel, name: str):
        self.kernel, self.name = kernel, name

    def __repr__(self) -> str:
        return f"<the submission's function {self.name}>"

    def __call__(self, *args, **kwargs):
        return self._call(None, args, kwargs)

    def with_reference(self, reference: str, *args, **kwargs):
        """Call the function with the functions that the source ``reference`` defines in
        place of the notebook's functions of the same names, for this call only: a later
        question's function is graded with the test's own reference for an earlier one (the
        test's code, run in the student's kernel, returns data that the test checks here)."""
        if not isinstance(reference, str):
            raise TypeError(f"reference should be Python source, not {type(reference).__name__}")
        return self._call(reference, args, kwargs)

    def _call(self, reference, args, kwargs):
        req = {
            "op": "call",
            "name": self.name,
            "args": [encode(a) for a in args],
            "kwargs": {k: encode(a) for k, a in kwargs.items()},
        }
        if reference:
            req["reference"] = reference
        out = self.kernel.request(req)
        if "error" in out:
            raise StudentError(f"{self.name} raised {out['error']}")
        for i, state in out.get("rngs", {}).items():
            args[int(i)].bit_generator.state = state  # the draws the function made
        return decode(out["value"])


class Namespace(dict):
    """The environment otter's tests take their arguments from (``env.get(name)``)."""

    def __init__(self, kernel: Kernel):
        super().__init__()
        self.kernel = kernel

    def get(self, name, default=None):
        value = self.kernel.get(name)
        return default if value is None else value

    def __getitem__(self, name):
        return self.kernel.get(name)

    def __contains__(self, name):
        return self.kernel.get(name) is not None
