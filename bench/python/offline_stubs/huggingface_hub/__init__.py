# Offline stand-ins so SMP's source imports without huggingface_hub (smp_source_case.py); nothing downloads.
def hf_hub_download(*a, **k): raise RuntimeError("offline")
class PyTorchModelHubMixin:
    def __init_subclass__(cls, **kwargs): pass
    def __new__(cls, *args, **kwargs): return object.__new__(cls)
    def save_pretrained(self, *a, **k): raise RuntimeError("offline")
    @classmethod
    def from_pretrained(cls, *a, **k): raise RuntimeError("offline")
    def push_to_hub(self, *a, **k): raise RuntimeError("offline")
class ModelCard:
    pass
class ModelCardData:
    pass
def model_info(*a, **k): raise RuntimeError("offline")
