#!/usr/bin/env python3
"""Chapter 12's head-to-head: DiT against the course's U-Net on the 16x16 digits, at matched size.

Every model trains with the `digits` recipe's data, objective (eps, linear schedule), optimizer, learning-rate
schedule, batch size, EMA and number of steps (1193 by default, the shipped `digits` budget), in fp32, one after
the other in one run on this machine. Then each draws the same noise with the `digits` model's recorded sampler
(DPM-Solver++(2M), 20 steps, log-SNR grid). Measured: FD x floor with a bootstrap interval (chapter 92), the
judge's confident share with a Wilson interval, training throughput (images/s), sampling time, the FLOPs of one
forward pass (torch's FlopCounterMode) and the loss curve. Writes bench/results/dit_vs_unet.json (which chapter 12
reads) and a section of bench/RESULTS.md.

    .venv/bin/python bench/dit_vs_unet.py [--steps 1193] [--n 700] [--only NAME ...]
"""
import argparse, json, platform, time
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from diffnotes.data import digits
from diffnotes.dit import DiT
from diffnotes.metrics import digit_classifier, digit_fd_floor, digit_fd_interval, wilson_interval
from diffnotes.noise import Schedule
from diffnotes.sampling import sample
from diffnotes.train import Trainer, TrainConfig
from diffnotes.unet import count_parameters, digits_model
from _results import write_section

MODELS = {"U-Net": digits_model, **{f"DiT-{s}/{p}": (lambda p=p, d=d: DiT(patch=p, dim=d)) for s, d in (("S", 96), ("M", 128), ("L", 160)) for p in (2, 4)}}
EXTRA = {"DiT-M/4, lr 4e-3": ("DiT-M/4", {"lr": 4e-3}, 1), "DiT-M/4, lr 5e-4": ("DiT-M/4", {"lr": 5e-4}, 1),   # --extra: is it the learning rate ...
         "DiT-M/4, 4x steps": ("DiT-M/4", {}, 4)}                                                                 # ... or the budget?
OUT = Path(__file__).with_name("results") / "dit_vs_unet.json"

def cpu_name() -> str:
    "The CPU's model name as Linux reports it (else what platform knows)."
    try: return next(l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name"))
    except (OSError, StopIteration): return platform.processor() or platform.machine()

def forward_flops(model) -> int:
    "FLOPs of one forward pass on one 16x16 digit."
    with FlopCounterMode(display=False) as counter, torch.no_grad(): model(torch.zeros(1, 1, 16, 16), torch.full((1,), 500))
    return counter.get_total_flops()

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=1193, help="training steps per model (default: the shipped digits budget, 1193)")
    ap.add_argument("--n", type=int, default=700, help="samples per model for FD and the judge, against as many held-out real digits (default 700; at most 719)")
    ap.add_argument("--only", nargs="*", choices=list(MODELS), help="train only these models (the others keep their results in the file)")
    ap.add_argument("--extra", action="store_true", help="instead, the extra runs of DiT-M/4: learning rates 4e-3 and 5e-4, and 4x the steps (kept under 'extra' in the file)")
    args = ap.parse_args()
    torch.set_num_threads(min(2, torch.get_num_threads()))
    x_train = digits("train")[0]
    floor, reference = digit_fd_floor(args.n)
    judge = digit_classifier()
    x_T = torch.randn(args.n, 1, 16, 16, generator=torch.Generator().manual_seed(0))
    results = json.loads(OUT.read_text()) if OUT.exists() and (args.only or args.extra) else {}
    results.setdefault("models", {}); results.setdefault("extra", {})
    runs = {n: (MODELS[m], changes, factor) for n, (m, changes, factor) in EXTRA.items()} if args.extra else {n: (MODELS[n], {}, 1) for n in (args.only or MODELS)}
    for name, (make, changes, factor) in runs.items():
        torch.manual_seed(0)
        model = make()
        cfg = TrainConfig(steps=args.steps * factor, seed=0, mixed_precision="fp32", **changes)
        trainer = Trainer(model, Schedule.linear(), x_train, config=cfg, progress=False).fit()
        net = trainer.average.eval()
        start = time.perf_counter()
        x = sample(net, Schedule.linear(), x_T, "dpmpp_2m", 20, spacing="logsnr", progress=False).clamp(-1, 1)
        sample_seconds = time.perf_counter() - start
        fd, low, high = digit_fd_interval(x, reference)
        with torch.no_grad(): hits = int((judge(x).softmax(1).max(1).values >= 0.9).sum())
        results["extra" if args.extra else "models"][name] = {"steps": cfg.steps, "lr": cfg.lr, "parameters": count_parameters(model), "tokens": None if name == "U-Net" else (16 // model.patch) ** 2,
                                   "forward_gflops": forward_flops(net) / 1e9, "train_seconds": trainer.seconds,
                                   "images_per_second": cfg.steps * cfg.batch_size / trainer.seconds, "sample_seconds_per_1000": 1000 * sample_seconds / args.n,
                                   "fd_floor": fd / floor, "fd_floor_low": low / floor, "fd_floor_high": high / floor,
                                   "confident": hits / args.n, "confident_interval": wilson_interval(hits, args.n), "losses": trainer.losses}
        r = results["extra" if args.extra else "models"][name]
        print(f"{name:10s} {r['parameters']:>9,} params  {r['images_per_second']:6.0f} img/s  FD x floor {r['fd_floor']:.2f} [{r['fd_floor_low']:.2f}, {r['fd_floor_high']:.2f}]  confident {r['confident']:.0%}", flush=True)
    if not args.extra: results.update(steps=args.steps)
    results.update(n=args.n, floor=floor, sampler="dpmpp_2m, 20 steps, logsnr",
                   machine={"cpu": cpu_name(), "kernels": torch.backends.cpu.get_cpu_capability(), "threads": torch.get_num_threads(), "torch": torch.__version__})
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1) + "\n")
    rows = {**results["models"], **results["extra"]}
    table = ("| model | steps | lr | parameters | tokens | GFLOPs / forward | train images/s | sample s / 1000 | FD x floor [95%] | judge confident |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" +
             "\n".join(f"| {n} | {r.get('steps', results['steps'])} | {r.get('lr', 2e-3):g} | {r['parameters']:,} | {r['tokens'] or '-'} | {r['forward_gflops']:.3f} | {r['images_per_second']:.0f} | {r['sample_seconds_per_1000']:.1f} | "
                       f"{r['fd_floor']:.2f} [{r['fd_floor_low']:.2f}, {r['fd_floor_high']:.2f}] | {r['confident']:.0%} |" for n, r in rows.items()))
    print(table)
    write_section("dit_vs_unet", f"## DiT against the U-Net (`bench/dit_vs_unet.py`)\n\n{results['steps']} steps each (extra rows: as stated), {results['n']} samples, {results['sampler']}; "
                  f"{results['machine']['cpu']} ({results['machine']['kernels']}), {results['machine']['threads']} threads, torch {results['machine']['torch']}.\n\n{table}\n")

if __name__ == "__main__":
    main()
