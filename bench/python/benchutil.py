"""Shared plumbing of the Python bench references.

The C++ bench programs parse only the last stdout line as JSON, so every informational
message goes to stderr and `emit` is the only thing that writes to stdout.
"""
import json
import os
import resource
import statistics
import sys
import time


def add_common_args(parser):
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="intra-op threads for torch/OpenCV (default: all cores)")
    parser.add_argument("--tuned", action="store_true",
                        help="tuned Python: channels_last + inference_mode where a model runs, no-op in the "
                             "numpy/OpenCV references (tcmalloc comes from the caller's LD_PRELOAD)")


def set_threads(threads):
    # Only libraries the script already imported: the numpy/OpenCV references should not pay
    # ~1 s and ~100 MB of RSS for importing torch just to configure it.
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    if "cv2" in sys.modules:
        sys.modules["cv2"].setNumThreads(threads)


def timed_median(fn, warmup, reps):
    """Runs fn `warmup` times untimed (allocator, oneDNN primitive caches, lazy init), then
    returns the median of `reps` timed runs; the median ignores the odd scheduler hiccup
    that a mean would absorb on a 2-core machine."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb():
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def emit(result):
    sys.stdout.flush()
    print(json.dumps(result), flush=True)
