#!/usr/bin/python3
"""PyTorch peer of the workbench benchmark: the workload's network and recipe, in PyTorch.

Usage: /usr/bin/python3 bench/pytorch_peer.py [THREADS] [--threads N] [--steps N] [--warmup N]
                                             [--batch N] [--config JSON]
Prints one JSON line: samples/s for training and inference, and the settings used.
Random data (the speed of a step does not depend on the pixels).

--config is a run configuration as the workbench's schema writes it (bench/workloads.ts passes
the workload's): the network is built from its architecture (conv blocks of `convs` convolutions
with the activation, then batch norm, pooling and dropout; TensorFlow's "same" padding, extra
row and column at the bottom and right; flatten or global average pooling; dense layers), and
each step applies its recipe as the workbench does: augmentation by affine_grid/grid_sample
(rotation, zoom, shift, flip drawn per image), label smoothing, gradient clipping by global
norm, decoupled weight decay (AdamW), and the learning-rate schedule, a port of
src-common/schedule.ts. Without --config: the notebook's network, batch 100, Adam 1e-4.

With --serve it instead answers JSON commands, one a line on stdin, one JSON line each on
stdout, so that bench/bench.ts can interleave it with the workbench:
  {"cmd": "train", "steps": K}        -> {"samples", "seconds", "cpuSeconds"}
  {"cmd": "infer", "count": N, "rounds": R} -> {"samples", "seconds"}
  {"cmd": "profile", "runs": R}       -> {"stepMs", "ops", "categories"}: torch.profiler's view of
                                         one training step, each op's least self time of R runs
  {"cmd": "stats"}                    -> {"peakRssMiB", "threads", "version", "simd"}
"""
import argparse
import json
import math
import os
import re
import resource
import sys
import tempfile
import time

# The same operations as the workbench's kernel categories (bench/profile-table.ts), by op name.
CATEGORIES = [
    ("conv forward", re.compile(r"mkldnn_convolution$|^aten::(conv2d|convolution|_convolution)$")),
    ("conv gradients", re.compile(r"convolution_backward")),
    ("dense layers", re.compile(r"^aten::(addmm|mm|bmm|matmul|linear)$")),
    ("pooling", re.compile(r"pool")),
    ("batch norm", re.compile(r"batch_norm")),
]


NOTEBOOK = {
    "architecture": {
        "convBlocks": [
            {"filters": 32, "kernelSize": 5, "stride": 1, "padding": "valid", "activation": "relu",
             "pooling": "max", "convs": 1, "batchNorm": False, "dropout": 0},
            {"filters": 64, "kernelSize": 5, "stride": 1, "padding": "valid", "activation": "relu",
             "pooling": "max", "convs": 1, "batchNorm": False, "dropout": 0},
        ],
        "globalPooling": "none",
        "denseLayers": [{"units": 500, "activation": "relu", "dropout": 0.4, "batchNorm": False}],
    },
    "optimizer": "adam",
    "learningRate": 1e-4,
    "momentum": 0.9,
    "epochs": 50,
    "augmentation": {"rotation": 0, "zoom": 0, "shift": 0, "horizontalFlip": False},
    "schedule": {"kind": "constant"},
    "warmupEpochs": 0,
    "weightDecay": 0,
    "labelSmoothing": 0,
    "gradientClipNorm": None,
}

# The workbench's batch norm (model/batch-norm.ts): Keras's epsilon, PyTorch's own momentum.
BN_EPSILON = 1e-3
BN_MOMENTUM = 0.1


def learning_rate_at(config: dict, epoch: int, batch: int, batches: int) -> float:
    """src-common/schedule.ts's learningRateAt, line for line."""
    rate = config["learningRate"]
    schedule = config["schedule"]
    step = (epoch - 1) * batches + batch
    progress = min(1.0, step / max(1, config["epochs"] * batches))

    def half_cosine(t: float) -> float:
        return (1 + math.cos(math.pi * min(1.0, max(0.0, t)))) / 2

    kind = schedule["kind"]
    if kind == "constant":
        value = rate
    elif kind == "step":
        value = rate * schedule["factor"] ** ((epoch - 1) // schedule["everyEpochs"])
    elif kind == "exponential":
        value = rate * schedule["factor"] ** (epoch - 1)
    elif kind == "cosine":
        low = schedule["finalFactor"]
        value = rate * (low + (1 - low) * half_cosine(progress))
    else:
        peak, start, final = schedule["peakAt"], schedule["startFactor"], schedule["finalFactor"]
        if progress < peak:
            value = rate * (start + (1 - start) * (1 - half_cosine(progress / peak)))
        else:
            value = rate * (final + (1 - final) * half_cosine((progress - peak) / (1 - peak)))
    warmup = config["warmupEpochs"] * batches
    return value * min(1.0, (step + 1) / warmup) if warmup > 0 else value


def category(name: str, in_optimizer: bool) -> str:
    if in_optimizer:
        return "optimizer"
    for label, pattern in CATEGORIES:
        if pattern.search(name):
            return label
    return "other"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("threads", nargs="?", type=int, default=None)
    parser.add_argument("--threads", dest="threads_flag", type=int, default=None)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--config", type=str, default=None)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    threads = args.threads_flag or args.threads or 1
    config = json.loads(args.config) if args.config else NOTEBOOK

    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as error:
        print(json.dumps({"error": f"PyTorch is not importable: {error}"}))
        return 3

    torch.set_num_threads(threads)
    torch.manual_seed(0)

    def activation(name: str) -> nn.Module:
        return {"relu": nn.ReLU(), "elu": nn.ELU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid()}.get(
            name, nn.Identity()
        )

    def build(architecture: dict, size: int = 28, classes: int = 10) -> nn.Module:
        layers: list = []
        channels, height = 1, size
        for block in architecture["convBlocks"]:
            kernel, filters = block["kernelSize"], block["filters"]
            for k in range(block["convs"]):
                stride = block["stride"] if k == block["convs"] - 1 else 1
                if block["padding"] == "same":
                    out = -(-height // stride)
                    total = max((out - 1) * stride + kernel - height, 0)
                    before, after = total // 2, total - total // 2
                    if total > 0:
                        layers.append(nn.ZeroPad2d((before, after, before, after)))
                else:
                    out = (height - kernel) // stride + 1
                layers += [nn.Conv2d(channels, filters, kernel, stride), activation(block["activation"])]
                if block["batchNorm"]:
                    layers.append(nn.BatchNorm2d(filters, eps=BN_EPSILON, momentum=BN_MOMENTUM))
                channels, height = filters, out
            if block["pooling"] != "none":
                layers.append(nn.MaxPool2d(2) if block["pooling"] == "max" else nn.AvgPool2d(2))
                height //= 2
            if block["dropout"] > 0:
                layers.append(nn.Dropout(block["dropout"]))
        if architecture.get("globalPooling") == "avg":
            layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
            features = channels
        else:
            layers.append(nn.Flatten())
            features = channels * height * height
        for dense in architecture["denseLayers"]:
            layers += [nn.Linear(features, dense["units"]), activation(dense["activation"])]
            if dense["batchNorm"]:
                layers.append(nn.BatchNorm1d(dense["units"], eps=BN_EPSILON, momentum=BN_MOMENTUM))
            if dense["dropout"] > 0:
                layers.append(nn.Dropout(dense["dropout"]))
            features = dense["units"]
        layers.append(nn.Linear(features, classes))
        return nn.Sequential(*layers)

    model = build(config["architecture"])
    rate = config["learningRate"]
    if config["optimizer"] == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=rate, momentum=config["momentum"])
    elif config["optimizer"] == "rmsprop":
        optimizer = torch.optim.RMSprop(model.parameters(), lr=rate)
    elif config["weightDecay"] > 0:
        # Decoupled decay of the kernels only, as the workbench decays them.
        kernels = [p for p in model.parameters() if p.dim() > 1]
        others = [p for p in model.parameters() if p.dim() <= 1]
        groups = [{"params": kernels, "weight_decay": config["weightDecay"]}, {"params": others, "weight_decay": 0}]
        optimizer = torch.optim.AdamW(groups, lr=rate)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=rate)
    augmentation = config["augmentation"]
    augments = any(augmentation[k] for k in ("rotation", "zoom", "shift", "horizontalFlip"))
    batch = args.batch
    # The schedule runs as over epochs of MNIST's 54,000 training images, as the workbench's does.
    batches = -(-54_000 // batch)
    pixels = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    steps_done = 0

    def augment(images: "torch.Tensor") -> "torch.Tensor":
        # Per image: the inverse map from output to source coordinates (shift, then zoom and
        # rotation, then flip), in affine_grid's normalized coordinates (the image spans 2).
        n = images.shape[0]
        symmetric = lambda: torch.rand(n) * 2 - 1  # noqa: E731
        angle = symmetric() * augmentation["rotation"] * math.pi / 180
        scale = 1 + symmetric() * augmentation["zoom"]
        tx = symmetric() * augmentation["shift"] * 2
        ty = symmetric() * augmentation["shift"] * 2
        flip = (torch.rand(n) < 0.5) & bool(augmentation["horizontalFlip"])
        mirror = torch.where(flip, -1.0, 1.0)
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        theta = torch.stack(
            [
                torch.stack([mirror * cos, mirror * sin, -mirror * (cos * tx + sin * ty)], 1),
                torch.stack([-sin, cos, sin * tx - cos * ty], 1),
            ],
            1,
        )
        grid = F.affine_grid(theta, list(images.shape), align_corners=False)
        return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    def train_step() -> None:
        nonlocal steps_done
        for group in optimizer.param_groups:
            group["lr"] = learning_rate_at(config, 1 + steps_done // batches, steps_done % batches, batches)
        steps_done += 1
        images = augment(pixels) if augments else pixels
        x = (images - 0.5) / 0.5
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y, label_smoothing=config["labelSmoothing"])
        loss.backward()
        if config["gradientClipNorm"] is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config["gradientClipNorm"])
        with torch.profiler.record_function("optimizer"):
            optimizer.step()

    def profile(runs: int) -> dict:
        """Per op and per category, the least self time (ms) of `runs` profiled steps."""
        model.train()
        ops: dict = {}
        categories: dict = {}
        step_ms = float("inf")
        for _ in range(runs):
            started = time.perf_counter()
            with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
                train_step()
            step_ms = min(step_ms, (time.perf_counter() - started) * 1000)
            run_ops: dict = {}
            run_categories: dict = {}
            for event in prof.events():
                parent, in_optimizer = event.cpu_parent, event.name == "optimizer"
                while parent is not None and not in_optimizer:
                    in_optimizer = parent.name == "optimizer"
                    parent = parent.cpu_parent
                ms = event.self_cpu_time_total / 1000
                entry = run_ops.setdefault(event.name, [0.0, 0])
                entry[0] += ms
                entry[1] += 1
                label = category(event.name, in_optimizer)
                run_categories[label] = run_categories.get(label, 0.0) + ms
            for name, (ms, calls) in run_ops.items():
                if name not in ops or ms < ops[name][0]:
                    ops[name] = [ms, calls]
            for label, ms in run_categories.items():
                categories[label] = min(categories.get(label, float("inf")), ms)
        top = sorted(ops.items(), key=lambda item: -item[1][0])[:15]
        return {
            "stepMs": step_ms,
            "runs": runs,
            "ops": [{"kernel": name, "totalMs": ms, "calls": calls} for name, (ms, calls) in top],
            "categories": categories,
        }

    def train(steps: int) -> dict:
        model.train()
        cpu = time.process_time()
        started = time.perf_counter()
        for _ in range(steps):
            train_step()
        return {
            "samples": steps * batch,
            "seconds": time.perf_counter() - started,
            "cpuSeconds": time.process_time() - cpu,
        }

    def infer(count: int, rounds: int) -> dict:
        model.eval()
        images = torch.rand(count, 1, 28, 28) * 2 - 1
        with torch.no_grad():
            model(images)
            started = time.perf_counter()
            for _ in range(rounds):
                model(images)
        return {"samples": count * rounds, "seconds": time.perf_counter() - started}

    simd = simd_features(torch)
    blas = blas_library(torch)

    def stats() -> dict:
        return {
            "framework": "pytorch",
            "version": torch.__version__,
            "threads": threads,
            "simd": simd,
            "blas": blas,
            "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }

    if args.serve:
        print(json.dumps({"ready": True, **stats()}), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            if command["cmd"] == "train":
                reply = train(int(command["steps"]))
            elif command["cmd"] == "infer":
                reply = infer(int(command.get("count", 1000)), int(command.get("rounds", 3)))
            elif command["cmd"] == "profile":
                reply = profile(int(command.get("runs", 3)))
            elif command["cmd"] == "stats":
                reply = stats()
            elif command["cmd"] == "quit":
                return 0
            else:
                reply = {"error": f"unknown command {command['cmd']}"}
            print(json.dumps(reply), flush=True)
        return 0

    train(args.warmup)
    trained = train(args.steps)
    inferred = infer(1000, 5)
    print(
        json.dumps(
            {
                **stats(),
                "batch": batch,
                "steps": args.steps,
                "samplesPerSec": trained["samples"] / trained["seconds"],
                "inferenceSamplesPerSec": inferred["samples"] / inferred["seconds"],
            }
        )
    )
    return 0


def blas_library(torch) -> str:
    """
    The BLAS PyTorch's dense layers (mm, addmm) run on. Debian's python3-torch calls whichever
    libblas.so.3 the system provides: the reference one (libblas3, netlib) unless an optimized one
    such as OpenBLAS is installed, and the reference one is some 30 times slower on these layers.
    """
    torch.mm(torch.rand(8, 8), torch.rand(8, 8))
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps if re.search(r"blas|mkl|blis", line.split()[-1])})
    names = [
        ("openblas", "OpenBLAS"),
        ("libmkl", "Intel MKL"),
        ("blis", "BLIS"),
        ("/blas/libblas.so", "reference BLAS (netlib)"),
    ]
    for path in paths:
        for part, name in names:
            if part in path:
                return f"{name} ({path})"
    return f"{paths[0]}" if paths else "linked into PyTorch"


def simd_features(torch) -> str:
    """The instruction sets PyTorch runs with: oneDNN's (convolutions), and ATen's own kernels'."""
    # oneDNN names its ISA only in verbose mode, on fd 1: catch that line while one conv runs.
    saved = os.dup(1)
    captured = tempfile.TemporaryFile()
    sys.stdout.flush()
    os.dup2(captured.fileno(), 1)
    try:
        with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
            torch.nn.functional.conv2d(torch.rand(2, 1, 28, 28), torch.rand(4, 1, 5, 5))
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
    captured.seek(0)
    found = re.search(r"onednn_verbose,info,cpu,isa:(.*)", captured.read().decode(errors="replace"))
    onednn = found.group(1).strip() if found else "unknown"
    aten = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    return f"oneDNN {onednn}; ATen {aten.group(1) if aten else 'unknown'}"


if __name__ == "__main__":
    sys.exit(main())
