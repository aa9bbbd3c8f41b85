# Offline stand-in (smp_source_case.py): SMP imports tqdm for its dataset helpers only.
class tqdm:
    def __init__(self, *a, **k): pass
