#!/usr/bin/env python3
"""fp32 against bfloat16 on this CPU: speed of a training step and of a sampling step, and the quality of samples.

    .venv/bin/python bench/precision.py [--rounds 5] [--quality] [--minutes 5]

(1) Speed. For the digits U-Net (16x16), the latent U-Net (4x4x4) and diffusers' UNet2DModel
shaped like the digits U-Net, under the same autocast: a training step (forward, backward,
AdamW, batch 64) and a sampling step (a forward pass without gradients, batch 256), in fp32 and
under bf16 autocast (`diffnotes.hardware.in_precision`), rounds alternated in one run so that the
machine's load affects both alike; median of the rounds.
(2) With --quality: the shipped `digits` model sampled by DPM-Solver++(2M) on the logsnr grid at 10
and 20 calls, 400 samples, fp32 against bf16 (the network only), Fréchet distance with bootstrap
intervals; and a training run of --minutes of wall time in each precision (bf16 takes as many
steps as its speed allows), judged the same way.

Prints the tables and writes them to bench/RESULTS.md (its `precision` part).
"""
import argparse, platform, statistics, time
from pathlib import Path

import torch
import torch.nn.functional as F

from _results import write_section
from diffnotes.data import digits
from diffnotes.noise import Schedule
from diffnotes.hardware import in_precision
from diffnotes.unet import digits_model, count_parameters
from diffnotes.vae import latent_model

def cpu_description() -> tuple[str, bool]:
    "The CPU's model name and whether it has native bf16 arithmetic (x86: avx512_bf16 or amx_bf16; Arm: bf16)."
    name, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key = line.split(":", 1)[0].strip()
            if key == "model name": name = line.split(":", 1)[1].strip()
            if key in ("flags", "Features"): flags |= set(line.split(":", 1)[1].split())
    except OSError: pass
    return name, bool(flags & {"avx512_bf16", "amx_bf16", "bf16"})

def diffusers_digits_model():
    "diffusers' UNet2DModel shaped like digits_model() (as bench/train_throughput.py), called as model(x, t)."
    from diffusers import UNet2DModel
    net = UNet2DModel(sample_size=16, in_channels=1, out_channels=1, block_out_channels=(32, 64, 64), layers_per_block=1,
                      down_block_types=("DownBlock2D", "DownBlock2D", "AttnDownBlock2D"),
                      up_block_types=("AttnUpBlock2D", "UpBlock2D", "UpBlock2D"), norm_num_groups=8, attention_head_dim=16)
    class Wrapped(torch.nn.Module):
        def __init__(self): super().__init__(); self.net = net
        def forward(self, x, t): return self.net(x, t).sample
    return Wrapped()

def train_step_seconds(model, opt, x, t, eps, precision):
    net = in_precision(model, precision)
    start = time.perf_counter()
    loss = F.mse_loss(net(x, t), eps)
    opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return time.perf_counter() - start

@torch.no_grad()
def sample_step_seconds(model, x, t, precision):
    net = in_precision(model, precision)
    start = time.perf_counter()
    net(x, t)
    return time.perf_counter() - start

def speed(rounds: int) -> str:
    g = torch.Generator().manual_seed(0)
    models = {"digits U-Net (16x16x1)": (digits_model(), (1, 16, 16)), "latent U-Net (4x4x4)": (latent_model(), (4, 4, 4)),
              "diffusers UNet2DModel (16x16x1)": (diffusers_digits_model(), (1, 16, 16))}
    times = {(m, kind, p): [] for m in models for kind in ("train", "sample") for p in ("fp32", "bf16")}
    for name, (model, shape) in models.items():
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
        x, t, eps = torch.randn(64, *shape, generator=g), torch.randint(0, 1000, (64,), generator=g), torch.randn(64, *shape, generator=g)
        xs, ts = torch.randn(256, *shape, generator=g), torch.randint(0, 1000, (256,), generator=g)
        for p in ("fp32", "bf16"): train_step_seconds(model, opt, x, t, eps, p); sample_step_seconds(model, xs, ts, p)   # warm-up
        models[name] = (model, shape, opt, (x, t, eps), (xs, ts))
    for _ in range(rounds):
        for name, (model, shape, opt, tr, sa) in models.items():
            for p in ("fp32", "bf16"):
                times[(name, "train", p)].append(train_step_seconds(model, opt, *tr, p))
                times[(name, "sample", p)].append(sample_step_seconds(model, *sa, p))
    med = lambda k: statistics.median(times[k])
    lines = ["| model | parameters | train step fp32 (ms) | train step bf16 (ms) | bf16 speed-up | sampling step fp32 (ms) | sampling step bf16 (ms) | bf16 speed-up |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, (model, *_) in models.items():
        tf, tb, sf, sb = (med((name, k, p)) for k in ("train", "sample") for p in ("fp32", "bf16"))
        lines.append(f"| {name} | {count_parameters(model):,} | {1000 * tf:.0f} | {1000 * tb:.0f} | {tf / tb:.2f}x | {1000 * sf:.0f} | {1000 * sb:.0f} | {sf / sb:.2f}x |")
    return "\n".join(lines)

def quality(minutes: float, n: int = 400) -> str:
    from diffnotes.checkpoint import load_checkpoint
    from diffnotes.metrics import digit_fd_floor, digit_fd_interval
    from diffnotes.sampling import grid_sampler, sample_checkpoint
    from diffnotes.train import Trainer, TrainConfig
    floor, ref = digit_fd_floor(n)
    noise = torch.randn(n, 1, 16, 16, generator=torch.Generator().manual_seed(1))
    shipped = load_checkpoint("digits")
    lines = [f"Shipped `digits`, {n} samples, DPM-Solver++(2M) on logsnr; Fréchet distance with a 95% bootstrap interval (floor: {floor:.1f}).", "",
             "| model calls | fp32 | bf16 (network only) | sampling time fp32 (s) | sampling time bf16 (s) |", "|---:|---|---|---:|---:|"]
    for calls in (10, 20):
        row = {}
        for p in ("fp32", "bf16"):
            start = time.perf_counter()
            x = sample_checkpoint(shipped, noise, "dpmpp_2m", calls, spacing="logsnr", precision=p, progress=False).clamp(-1, 1)
            row[p] = (digit_fd_interval(x, ref), time.perf_counter() - start)
        fmt = lambda r: f"{r[0][0]:.1f} [{r[0][1]:.1f}, {r[0][2]:.1f}]"
        lines.append(f"| {calls} | {fmt(row['fp32'])} | {fmt(row['bf16'])} | {row['fp32'][1]:.1f} | {row['bf16'][1]:.1f} |")
    lines += ["", f"Training the digits U-Net for {minutes:g} minutes of wall time in each precision, then 400 samples as above at 20 calls:", "",
              "| training precision | steps in the time | images/s | FD at 20 calls |", "|---|---:|---:|---|"]
    x_train = digits("train")[0]
    for p in ("fp32", "bf16"):
        torch.manual_seed(0)
        tr = Trainer(digits_model(), Schedule.linear(), x_train, config=TrainConfig(epochs=None, minutes=minutes, mixed_precision=p), progress=False, show=False).fit()
        from diffnotes.sampling import sample
        x = sample(tr.ema.model.eval(), tr.schedule, noise, "dpmpp_2m", 20, spacing="logsnr", progress=False).clamp(-1, 1)
        fd, lo, hi = digit_fd_interval(x, ref)
        lines.append(f"| {p} | {tr.step} | {tr.step * 64 / tr.seconds:.0f} | {fd:.1f} [{lo:.1f}, {hi:.1f}] |")
    return "\n".join(lines)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5); p.add_argument("--threads", type=int, default=2)
    p.add_argument("--quality", action="store_true", help="also sample and train in both precisions and judge the samples")
    p.add_argument("--minutes", type=float, default=5.0, help="with --quality: wall time of each training run")
    args = p.parse_args()
    torch.set_num_threads(args.threads); torch.manual_seed(0)
    name, native = cpu_description()
    start = time.time()
    header = (f"CPU: {name}; native bf16 arithmetic: {'yes' if native else 'no'} (PyTorch's CPU capability: {torch.backends.cpu.get_cpu_capability()}); "
              f"torch {torch.__version__}, {args.threads} threads; median of {args.rounds} alternated rounds.")
    out = [f"## fp32 against bf16\n\nCommand: `python bench/precision.py --rounds {args.rounds}{' --quality --minutes %g' % args.minutes if args.quality else ''}`. {header}\n",
           "### Speed\n\nTraining step: forward, backward and AdamW at batch 64; sampling step: one forward pass at batch 256, no gradients. "
           "bf16 is autocast on the network only (`diffnotes.hardware.in_precision`).\n\n" + speed(args.rounds) + "\n"]
    print(out[0]); print(out[1], flush=True)
    if args.quality:
        out.append("### Quality\n\n" + quality(args.minutes) + "\n"); print(out[-1], flush=True)
    out.append(f"Total benchmark time {time.time() - start:.0f} s.\n")
    write_section("precision", "\n".join(out))

if __name__ == "__main__":
    main()
