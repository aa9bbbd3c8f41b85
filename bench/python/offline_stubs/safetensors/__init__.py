# Offline stand-in (smp_source_case.py): SMP imports safetensors for hub loading only.
