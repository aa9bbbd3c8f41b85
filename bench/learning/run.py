"""Learning parity: the same recipe trained by segkit and by PyTorch from the same initial weights,
over several seeds; curves, final metrics and time to accuracy (docs/benchmarks.md, "Learning parity").

  run.py --segkit build/bin/segkit --out bench_out/learning [--seeds 1 2 3] [--recipes isbi camvid]
         [--isbi-epochs 50] [--camvid-epochs 8]

For each recipe and seed: `segkit models init` writes the fold-0 initial weights of the config with
that seed; `segkit train` starts from them (model.weights) and train_reference.py loads the same
file. The two systems run one after the other on the same machine, alternating, each with the
machine's cores. Per-epoch time is training plus validation (segkit's log.jsonl `time_s`; the
reference measures the same span); checkpoints, reports and process start are outside it and are
reported separately as wall time.

Writes OUT/results.json, OUT/results.md and OUT/learning_parity.png; prints results.md.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

# The CamVid example's augmentation without its colour and blur transforms, which the reference would
# have to re-implement one by one (albumentations is not in Debian): flip, scale/shift, pad, crop.
CAMVID_AUGMENT = ("augment.train=[{HorizontalFlip: {p: 0.5}}, "
                  "{ShiftScaleRotate: {scale_limit: 0.5, rotate_limit: 0, shift_limit: 0.1, p: 1, border_mode: 0}}, "
                  "{PadIfNeeded: {min_height: 320, min_width: 320, p: 1}}, "
                  "{RandomCrop: {height: 320, width: 320, p: 1}}, {Normalize: {}}]")

RECIPES = {
    "isbi": {"config": "configs/isbi_unet.yaml", "folds": "configs/isbi_folds.csv", "overrides": [],
             "monitor": "val.dice_per_class.membrane", "label": "ISBI 2012: membrane Dice (validation)"},
    "camvid": {"config": "configs/camvid_fpn.yaml", "folds": "configs/camvid_folds.csv", "overrides": [CAMVID_AUGMENT],
               "monitor": "val.iou", "label": "CamVid: mIoU (validation)"},
}


def lookup(entry, dotted):
    for key in dotted.split("."):
        entry = entry[key]
    return float(entry)


def read_log(path, monitor):
    with open(path) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    return [lookup(e, monitor) for e in entries], [float(e["time_s"]) for e in entries]


def timed(command, log_path):
    print("+", " ".join(command), flush=True)
    started = time.perf_counter()
    with open(log_path, "w") as log:
        result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}), see {log_path}: {' '.join(command)}")
    return time.perf_counter() - started


def train_both(args, name, seed, epochs):
    recipe = RECIPES[name]
    out = os.path.join(args.out, name, f"seed{seed}")
    os.makedirs(out, exist_ok=True)
    init = os.path.join(out, "init")
    common = [f"seed={seed}", f"train.epochs={epochs}"] + recipe["overrides"]
    timed([args.segkit, "models", "init", recipe["config"], *common, "--out", init], os.path.join(out, "init.txt"))
    runs = {}
    segkit_wall = timed([args.segkit, "train", recipe["config"], *common, f"model.weights={init}",
                         "--out", os.path.join(out, "segkit")], os.path.join(out, "segkit.txt"))
    values, times = read_log(os.path.join(out, "segkit", "fold0", "log.jsonl"), recipe["monitor"])
    runs["segkit"] = {"values": values, "epoch_s": times, "wall_s": segkit_wall}
    python_log = os.path.join(out, "python_log.jsonl")
    python_wall = timed([args.python, os.path.join(HERE, "train_reference.py"), "--recipe", name, "--model", init,
                         "--data", args.data, "--folds", recipe["folds"], "--epochs", str(epochs), "--seed", str(seed),
                         "--out", python_log], os.path.join(out, "python.txt"))
    values, times = read_log(python_log, recipe["monitor"])
    runs["pytorch"] = {"values": values, "epoch_s": times, "wall_s": python_wall}
    return runs


def time_to_fraction(values, times, fraction):
    """Training+validation seconds until the first epoch at `fraction` of the run's final value."""
    target = fraction * values[-1]
    elapsed = 0.0
    for value, seconds in zip(values, times):
        elapsed += seconds
        if value >= target:
            return elapsed
    return elapsed


def mean_std(values):
    return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def summarize(results):
    summary = {}
    for name, seeds in results.items():
        summary[name] = {}
        for system in ("segkit", "pytorch"):
            runs = [seeds[s][system] for s in sorted(seeds)]
            summary[name][system] = {
                "final": mean_std([r["values"][-1] for r in runs]),
                "best": mean_std([max(r["values"]) for r in runs]),
                "time_to_95_s": mean_std([time_to_fraction(r["values"], r["epoch_s"], 0.95) for r in runs]),
                "train_val_s": mean_std([sum(r["epoch_s"]) for r in runs]),
                "wall_s": mean_std([r["wall_s"] for r in runs]),
                "seeds": len(runs),
            }
        s, p = summary[name]["segkit"]["final"], summary[name]["pytorch"]["final"]
        n = summary[name]["segkit"]["seeds"]
        # Two standard errors of the difference of two means (Welch): beyond it, not seed noise.
        noise = 2 * ((s[1] ** 2 + p[1] ** 2) / n) ** 0.5
        summary[name]["difference"] = {"segkit_minus_pytorch": s[0] - p[0], "two_standard_errors": noise,
                                       "within_seed_noise": abs(s[0] - p[0]) <= noise or s[0] >= p[0]}
    return summary


def markdown(summary):
    lines = ["| recipe | system | final (last epoch) | best epoch | time to 95 % of final | train+val time | wall time |",
             "|---|---|---|---|---|---|---|"]
    for name, systems in summary.items():
        for system in ("segkit", "pytorch"):
            row = systems[system]
            lines.append(f"| {name} ({row['seeds']} seeds) | {system} | {row['final'][0]:.4f} +- {row['final'][1]:.4f} "
                         f"| {row['best'][0]:.4f} +- {row['best'][1]:.4f} | {row['time_to_95_s'][0]:.0f} s "
                         f"| {row['train_val_s'][0]:.0f} s | {row['wall_s'][0]:.0f} s |")
    lines.append("")
    for name, systems in summary.items():
        d = systems["difference"]
        speed = systems["pytorch"]["time_to_95_s"][0] / max(systems["segkit"]["time_to_95_s"][0], 1e-9)
        lines.append(f"- {name}: segkit - PyTorch = {d['segkit_minus_pytorch']:+.4f} (two standard errors "
                     f"{d['two_standard_errors']:.4f}: {'within' if d['within_seed_noise'] else 'BEYOND'} seed noise); "
                     f"time to 95 %: segkit {speed:.2f}x PyTorch's speed")
    return "\n".join(lines) + "\n"


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(1, len(results), figsize=(6 * len(results), 4.2), squeeze=False)
    for axis, (name, seeds) in zip(axes[0], results.items()):
        for system, colour in (("segkit", "tab:blue"), ("pytorch", "tab:orange")):
            curves = [seeds[s][system]["values"] for s in sorted(seeds)]
            epochs = range(1, len(curves[0]) + 1)
            for i, curve in enumerate(curves):
                axis.plot(epochs, curve, color=colour, alpha=0.35, linewidth=0.8)
            mean = [statistics.mean(v) for v in zip(*curves)]
            axis.plot(epochs, mean, color=colour, linewidth=2, label=f"{system} (mean of {len(curves)} seeds)")
        axis.set_title(RECIPES[name]["label"])
        axis.set_xlabel("epoch")
        axis.grid(alpha=0.3)
        axis.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segkit", default=os.path.join(ROOT, "build", "bin", "segkit"))
    parser.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3")
    parser.add_argument("--data", default=os.path.normpath(os.path.join(ROOT, "..", "shared", "data")))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench_out", "learning"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--recipes", nargs="+", choices=sorted(RECIPES), default=["isbi", "camvid"])
    parser.add_argument("--isbi-epochs", type=int, default=50)
    parser.add_argument("--camvid-epochs", type=int, default=8)
    args = parser.parse_args()
    if not os.path.isdir(args.data):
        sys.exit(f"skipped: {args.data} (../shared/data) is absent")
    args.segkit = os.path.abspath(args.segkit)
    args.out = os.path.abspath(args.out)
    epochs = {"isbi": args.isbi_epochs, "camvid": args.camvid_epochs}
    results_path = os.path.join(args.out, "results.json")
    results = {}
    for name in args.recipes:
        results[name] = {}
        for seed in args.seeds:
            results[name][seed] = train_both(args, name, seed, epochs[name])
            os.makedirs(args.out, exist_ok=True)
            with open(results_path, "w") as f:
                json.dump({"epochs": epochs, "runs": results}, f)
    summary = summarize(results)
    with open(results_path, "w") as f:
        json.dump({"epochs": epochs, "runs": results, "summary": summary}, f, indent=1)
    text = markdown(summary)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(text)
    plot(results, os.path.join(args.out, "learning_parity.png"))
    print(text)


if __name__ == "__main__":
    main()
