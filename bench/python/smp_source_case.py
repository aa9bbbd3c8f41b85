"""A parity case in ../shared/parity's format, made with SMP and timm themselves from source trees.

    smp_source_case.py CASE ARCH 'KWARGS_JSON' '[N,C,H,W]' --smp SMP_SRC --timm TIMM_SRC --stubs STUBS --out DIR

SMP_SRC / TIMM_SRC hold the `segmentation_models_pytorch` and `timm` packages (e.g. `git archive` of
their repositories); STUBS holds offline stand-ins for the hub packages SMP imports at load time
(huggingface_hub, safetensors, tqdm: nothing here downloads). The model is filled by segkit-fill-v1
(smp_unet.fill_segkit_v1), run on the formula input in float32, and also in float64 from the same
float32-rounded weights and input (`<case>.out64.bin`); when the two differ by more than the float32
tolerance the case is marked `unstable_in_float32` and `segkit parity` judges it in float64.
"""
import argparse
import json
import os
import sys
import numpy as np
import torch
parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("case")
parser.add_argument("arch", help="SMP's class name: Unet, FPN, ...")
parser.add_argument("kwargs", help="constructor arguments as JSON")
parser.add_argument("shape", help="input shape as JSON, e.g. [1,3,64,64]")
parser.add_argument("--smp", required=True)
parser.add_argument("--timm", required=True)
parser.add_argument("--stubs", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()
sys.path[:0] = [args.stubs, args.timm, args.smp, os.path.dirname(os.path.abspath(__file__))]
import segmentation_models_pytorch as smp  # noqa: E402
from smp_unet import fill_segkit_v1  # noqa: E402

torch.set_num_threads(1)
case, arch, kwargs, shape = args.case, args.arch, json.loads(args.kwargs), json.loads(args.shape)
model = getattr(smp, arch)(encoder_weights=None, **kwargs)
fill_segkit_v1(model)
model.eval()
x = torch.from_numpy(np.sin(0.05 * np.arange(int(np.prod(shape)), dtype=np.float64)).astype(np.float32).reshape(shape))
with torch.no_grad():
    y = model(x)
    y64 = model.double()(x.double())
unstable = float((y.double() - y64).abs().max()) > 1e-4 * max(1.0, float(y64.std()))
out = os.path.join(args.out, case)
with open(out + '.json', 'w') as f:
    json.dump({'case': case, 'arch': arch, 'kwargs': dict(kwargs, encoder_weights=None), 'mode': 'eval',
               'input': {'shape': shape}, 'output': {'shape': list(y.shape)}, 'unstable_in_float32': unstable}, f)
with open(out + '.params.txt', 'w') as f:
    for name, t in model.state_dict().items():
        f.write(f"{name}\t[{','.join(str(d) for d in t.shape)}]\t{t.numel()}\n")
y.numpy().astype('<f4').tofile(out + '.out.bin')
y64.numpy().astype('<f8').tofile(out + '.out64.bin')
print(case, list(y.shape), float(y.std()), 'unstable' if unstable else 'stable')
