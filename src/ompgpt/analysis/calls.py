"""What calls do to shared state: a table of known functions, plus the classification used by the IR builder.

Pure functions (math.h / cmath, common intrinsics and min/max macros) read only their arguments, so a loop that
calls them stays analysable. I/O and random-number functions touch hidden shared state: running iterations in
parallel changes the output order or the random sequence, so they make a loop unsafe. Anything else is
unknown unless it is defined in the same file, in which case its body is summarised (see ``ir.FunctionSummary``).
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MATH = """
abs labs llabs fabs fabsf fabsl sqrt sqrtf sqrtl cbrt cbrtf exp expf expl exp2 exp2f expm1 expm1f log logf logl log2
log2f log10 log10f log1p log1pf pow powf powl sin sinf sinl cos cosf cosl tan tanf tanl asin asinf acos acosf atan
atanf atan2 atan2f sinh sinhf cosh coshf tanh tanhf asinh acosh atanh erf erff erfc erfcf tgamma lgamma floor floorf
floorl ceil ceilf ceill round roundf lround llround rint rintf lrint nearbyint trunc truncf fmod fmodf remainder
fmax fmaxf fmaxl fmin fminf fminl fdim fma fmaf hypot hypotf copysign copysignf ldexp ldexpf frexp modf ilogb logb
scalbn isnan isinf isfinite isnormal signbit fpclassify nan sincos
min max MIN MAX Min Max ABS Abs SQR SQUARE SIGN sign sqr square clamp
__builtin_expect __builtin_popcount __builtin_popcountll __builtin_clz __builtin_ctz __builtin_fabs __builtin_sqrt
toupper tolower isalpha isdigit isspace isalnum isupper islower
strlen strcmp strncmp memcmp atoi atof atol strtod strtol
"""
#: functions that only read their arguments (and touch no shared state)
PURE_FUNCTIONS = _words(_MATH) | _words("assert conj real imag arg")
#: pure functions that also store results through pointer arguments (by position): ``modf(x, &ip)`` writes ``ip``
OUT_PARAMS: dict[str, tuple[int, ...]] = {
    "frexp": (1,), "frexpf": (1,), "frexpl": (1,), "modf": (1,), "modff": (1,), "modfl": (1,),
    "sincos": (1, 2), "sincosf": (1, 2), "remquo": (2,), "lgamma_r": (1,),
    "strtod": (1,), "strtof": (1,), "strtol": (1,), "strtoul": (1,), "strtoll": (1,), "strtoull": (1,),
}  # fmt: skip

#: functions writing to the memory their first argument points to (memset-like), reading the others
WRITES_FIRST_ARG = frozenset(
    {"memset", "memcpy", "memmove", "strcpy", "strncpy", "strcat", "sprintf", "snprintf"}
    # reentrant generators: their whole state is the buffer the first argument points to (a local seed is safe)
    | {"rand_r", "erand48", "nrand48", "jrand48"}
)

#: I/O: output order is part of the program's behaviour
IO_FUNCTIONS = _words(
    """printf fprintf puts fputs putchar fputc putc fwrite fread fscanf scanf sscanf getchar fgetc fgets gets
    fopen fclose fflush perror write read print println"""
)
#: hidden shared state whose sequence depends on call order
RNG_FUNCTIONS = _words("rand srand random srandom drand48 lrand48 mrand48")
#: leave the program or the function: an early exit
EXIT_FUNCTIONS = _words("exit abort _exit quick_exit longjmp")
#: thread-safe allocation: fine in a parallel loop
ALLOC_FUNCTIONS = _words("malloc calloc realloc free aligned_alloc posix_memalign _mm_malloc _mm_free")
#: C++ stream objects
STREAMS = _words("cout cerr clog std::cout std::cerr std::clog")

#: methods that only read the object they are called on (std containers, common math types)
READONLY_METHODS = _words(
    """size length empty at front back data begin end cbegin cend rbegin rend capacity c_str count find rows cols
    norm squaredNorm dot transpose get x y z w real imag"""
)
#: methods that modify the object they are called on
MUTATING_METHODS = _words(
    "push_back emplace_back pop_back insert erase clear resize reserve push emplace pop append assign swap"
)
#: stream I/O methods (``file.write(buf, n)``, ``in.read(...)``): they move the stream's position, so each call
#: updates the object and the order of calls is the file's contents
STREAM_METHODS = _words("write read getline flush seekg seekp")
#: mutating methods whose result does not depend on the object's old contents: a container cleared at the top of
#: every iteration carries nothing across iterations, so it can be private
RESETTING_METHODS = _words("clear assign setZero setOnes setConstant setIdentity")


#: project macros named like ``OMP_MIN`` / ``MY_MAX`` (upper case, ending in _MIN / _MAX): min/max of their arguments
MINMAX_MACRO = re.compile(r"[A-Z][A-Z0-9_]*_(MIN|MAX)")

_CASTS = frozenset({"static_cast", "const_cast", "reinterpret_cast", "dynamic_cast", "bit_cast"})
#: arithmetic types: ``double(i)``, ``size_t(n)`` are C++ functional casts, which the grammar reads as calls
_ARITHMETIC_TYPES = _words(
    """double float int long short char bool unsigned signed wchar_t char16_t char32_t size_t ssize_t ptrdiff_t
    intptr_t uintptr_t int8_t uint8_t int16_t uint16_t int32_t uint32_t int64_t uint64_t"""
)


def classify(name: str) -> str:
    """One of ``pure``, ``io``, ``rng``, ``exit``, ``alloc``, ``memwrite``, ``unknown`` for a called name
    (``std::`` and ``::`` prefixes stripped)."""
    short = name.rsplit("::", 1)[-1]
    if short.split("<", 1)[0].strip() in _CASTS or short in _ARITHMETIC_TYPES:
        return "pure"  # static_cast<float>(x) parses as a call to a template function, double(i) as a call
    if short in PURE_FUNCTIONS or name.startswith(("std::numeric_limits", "sizeof")) or MINMAX_MACRO.fullmatch(short):
        return "pure"
    if short.isupper() and short.lower() in PURE_FUNCTIONS:
        return "pure"  # a project's precision macros: ``#define FABS fabsf``, ``SQRT(x)``
    if short in IO_FUNCTIONS:
        return "io"
    if short in RNG_FUNCTIONS:
        return "rng"
    if short in EXIT_FUNCTIONS:
        return "exit"
    if short in ALLOC_FUNCTIONS:
        return "alloc"
    if short in WRITES_FIRST_ARG:
        return "memwrite"
    return "unknown"
