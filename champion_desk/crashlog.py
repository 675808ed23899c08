"""Crash logging without personal data: a rotating log file and an excepthook that scrubs.

Champion Desk holds concerns raised in confidence and staff names, so a crash log must not
become a copy of them. A crash record holds only the exception *type*, the frames (file, line,
function) and a scrubbed message in which every word that is not on a short list of
programming words is replaced by ``…``. Local variables and source lines are never read. The
log lives in the user's log folder (``paths.log_dir()``) and rotates, so it cannot grow
without bound on a ward PC. No Qt here: the GUI passes a callback that shows the crash dialog.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
import re
import sys
import threading
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

LOG_FILE = "champion-desk.log"
MAX_BYTES = 512 * 1024
BACKUP_COUNT = 4
MAX_MESSAGE_CHARS = 300
LOGGER = "champion_desk"
_HANDLER_MARK = "_champion_desk_crashlog"

# Words that may stay in a scrubbed message: they describe a programming error, never a person
# or a concern. Everything else (names, concern text, values) becomes "…". Identifiers that
# look like code (snake_case, dotted names, CamelCase exception names) are kept too, see _keep.
SAFE_WORDS = frozenset(
    """
a an the of to in on at by for from with without into onto is are was were be been being not no
nor or and but if then than as it its this that these those there has have had do does did can
cannot could should would will may must might object objects attribute attributes method argument
arguments positional keyword keywords required missing unexpected takes take took given got
expected expects expecting too many few values value index indices out range key keys item items
type types invalid literal base int float str bytes bool list dict tuple set none nonetype true
false callable iterable subscriptable hashable unhashable support supported unsupported operand
operands instance instances between division modulo zero by name names defined undefined local
global variable referenced before after assignment module modules import imported cannot found
file files folder directory path permission denied no such exists exist already database table
tables column columns row rows constraint failed unique foreign check null sql syntax error near
locked busy disk full readonly read only write written damaged malformed image corrupt open
opened closed close connection cursor transaction savepoint commit rollback timeout timed
recursion depth maximum exceeded memory overflow underflow unicode decode encode codec byte
position character characters start end unterminated string format specifier conversion
unsupported length size empty widget deleted already c++ underlying internal wrapped has been
call called calling function functions signal slot thread main event loop qt pyside6 nan inf
""".split()
)

_WORD = re.compile(r"[^\W_][\w.\-]*|_[\w.\-]+", re.UNICODE)
_CODE_LIKE = re.compile(r"^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:Error|Exception|Warning))$")


def _keep(word: str) -> bool:
    if word.lower() in SAFE_WORDS:
        return True
    # snake_case field names (display_name) and exception class names are code; a person's
    # name or a concern word is not written like that. (Dotted names are not kept: an e-mail
    # style "ann.jones" would pass.)
    return bool(_CODE_LIKE.match(word)) and word.isascii()


def scrub(text: str) -> str:
    """Return ``text`` with every word that is not a programming word replaced by '…'.

    Quoted passages and numbers go whole, since they are where values appear ("got 'Ann'").
    """
    text = str(text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’|«[^»]*»", "'…'", text)
    text = re.sub(r"\d[\d\s\-/:.]*\d|\d", "#", text)
    text = _WORD.sub(lambda m: m.group(0) if _keep(m.group(0)) else "…", text)
    text = re.sub(r"…(?:\s*…)+", "…", text)
    return text[:MAX_MESSAGE_CHARS]


def _frame_file(filename: str) -> str:
    # Show paths from the package or library root: the user's home folder (often their name)
    # is not the log's business.
    parts = Path(filename).parts
    for anchor in ("champion_desk", "site-packages", "tests"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) :])
    return Path(filename).name


def format_exception(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> str:
    """Return a crash report: type, frames and scrubbed message of the exception and its causes.

    Never reads local variables or source lines (``capture_locals=False``, ``lookup_lines=False``).
    """
    blocks: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    current_type: type[BaseException] | None = exc_type
    current_tb = tb
    while current_type is not None and len(blocks) < 5:
        lines = [
            f"{current_type.__module__}.{current_type.__qualname__}: {scrub(current) if current is not None else ''}"
        ]
        # File, line and function only: not even the source line, which a developer can look up
        # and which could quote a literal (in a test, or a plug-in) that holds a name.
        for frame in traceback.StackSummary.extract(traceback.walk_tb(current_tb), limit=40, lookup_lines=False):
            lines.append(f"  {_frame_file(frame.filename)}:{frame.lineno} in {frame.name}")
        blocks.append("\n".join(lines))
        if current is None:
            break
        seen.add(id(current))
        nxt = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        if nxt is None or id(nxt) in seen:
            break
        current, current_type, current_tb = nxt, type(nxt), nxt.__traceback__
    return "\n  -- caused by / during --\n".join(blocks)


class ScrubbingFormatter(logging.Formatter):
    """A formatter whose tracebacks go through :func:`format_exception` (no values, no locals)."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's own name
        return format_exception(*ei)

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return ""  # stack_info may show values through reprs in user code; not worth the risk


def log_path(folder: Path | None = None) -> Path:
    """Return the crash log file in ``folder`` (default: the user's log folder)."""
    if folder is None:
        from champion_desk.paths import log_dir

        folder = log_dir()
    return Path(folder) / LOG_FILE


def setup_logging(
    folder: Path | None = None,
    *,
    level: int = logging.INFO,
    max_bytes: int = MAX_BYTES,
    backup_count: int = BACKUP_COUNT,
) -> Path:
    """Send the app's log records to a rotating file in ``folder``; return the log file's path.

    Safe to call twice (the handler is replaced, not duplicated). If the folder cannot be
    written, logging falls back to stderr rather than stopping the app.
    """
    path = log_path(folder)
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            logger.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8", delay=True
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    return path


def log_crash(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> str:
    """Write one scrubbed crash record to the log; return its short reference (shown to the user)."""
    ref = uuid.uuid4().hex[:8]
    logging.getLogger(f"{LOGGER}.crash").error(
        "crash %s at %s (pid %s)\n%s",
        ref,
        dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        os.getpid(),
        format_exception(exc_type, exc, tb),
    )
    return ref


CrashCallback = Callable[[str, str, Path | None], None]


def install_excepthook(on_crash: CrashCallback | None = None, folder: Path | None = None) -> Callable[[], None]:
    """Log uncaught exceptions (main thread and other threads) and call ``on_crash``; return an undo.

    ``on_crash(reference, summary, log_file)`` gets a reference, the exception type name and the
    log file, for the GUI's crash dialog. KeyboardInterrupt goes to the previous hook. The
    returned function puts the previous hooks back (tests use it).
    """
    path = log_path(folder) if folder is not None else None
    previous_hook = sys.excepthook
    previous_thread_hook = threading.excepthook

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous_hook(exc_type, exc, tb)
            return
        try:
            ref = log_crash(exc_type, exc, tb)
        except Exception:  # a broken log must not turn one crash into two
            ref = "unlogged"
        if on_crash is not None:
            try:
                on_crash(ref, exc_type.__name__, path)
            except Exception:
                pass
        else:
            print(
                f"champion-desk: unexpected error ({exc_type.__name__}); details in the log, ref {ref}.",
                file=sys.stderr,
            )

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook

    def undo() -> None:
        sys.excepthook = previous_hook
        threading.excepthook = previous_thread_hook

    return undo
