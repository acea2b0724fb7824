#!/usr/bin/env python3
"""Training throughput (images/s) of diffnotes' U-Net against diffusers.UNet2DModel of a similar size.

Both models train on the same 16x16 digit batches with the same loss, AdamW and
gradient clipping; timings alternate between the two models within one run so
that machine load affects both alike. Prints a table and writes
bench/RESULTS-train.md.

    .venv/bin/python bench/train_throughput.py [--steps 30] [--rounds 3] [--batch-size 64]
"""
import argparse, platform, time
from pathlib import Path

import torch
import torch.nn.functional as F

from diffnotes.data import digits
from diffnotes.noise import Schedule
from diffnotes.unet import count_parameters, digits_model

def diffusers_model():
    "A diffusers UNet2DModel shaped like digits_model(): 3 levels of 32/64/64 channels, 1 block per level, attention at the lowest level."
    from diffusers import UNet2DModel
    return UNet2DModel(sample_size=16, in_channels=1, out_channels=1, block_out_channels=(32, 64, 64), layers_per_block=1,
                       down_block_types=("DownBlock2D", "DownBlock2D", "AttnDownBlock2D"),
                       up_block_types=("AttnUpBlock2D", "UpBlock2D", "UpBlock2D"), norm_num_groups=8, attention_head_dim=16)

class Wrapped(torch.nn.Module):
    "diffusers' model behind the course's call convention model(x_t, t)."
    def __init__(self, net): super().__init__(); self.net = net
    def forward(self, x, t): return self.net(x, t).sample

def timed_steps(model, opt, schedule, x, steps, batch_size, seed):
    g = torch.Generator().manual_seed(seed)
    batches = [(x[torch.randint(0, len(x), (batch_size,), generator=g)], torch.randint(0, schedule.T, (batch_size,), generator=g),
                torch.randn(batch_size, *x.shape[1:], generator=g)) for _ in range(steps)]
    start = time.perf_counter()
    for x0, t, eps in batches:
        loss = F.mse_loss(model(schedule.q_sample(x0, t, eps), t), eps)
        opt.zero_grad(set_to_none=True); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    return steps * batch_size / (time.perf_counter() - start)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=30); p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64); p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads); torch.manual_seed(0)
    x, schedule = digits("train")[0], Schedule.linear()
    models = {"diffnotes UNet (digits_model)": digits_model(), "diffusers UNet2DModel": Wrapped(diffusers_model())}
    opts = {k: torch.optim.AdamW(m.parameters(), lr=1e-4) for k, m in models.items()}
    for k, m in models.items(): timed_steps(m, opts[k], schedule, x, 3, args.batch_size, 0)   # warm-up
    rates = {k: [] for k in models}
    for r in range(args.rounds):
        for k, m in models.items(): rates[k].append(timed_steps(m, opts[k], schedule, x, args.steps, args.batch_size, r + 1))
    ours = max(rates[next(iter(models))])
    lines = ["| model | parameters | images/s (best of rounds) | all rounds | relative to diffnotes |", "|---|---:|---:|---|---:|"]
    for k, m in models.items():
        best = max(rates[k])
        lines.append(f"| {k} | {count_parameters(m):,} | {best:.0f} | {', '.join(f'{v:.0f}' for v in rates[k])} | {best / ours:.2f} |")
    header = (f"Training throughput, 16x16 digits, batch {args.batch_size}, {args.steps} steps x {args.rounds} rounds per model, "
              f"alternating; torch {torch.__version__}, {args.threads} threads, {platform.processor() or platform.machine()}, CPU")
    table = "\n".join(lines)
    print(header); print(table)
    out = Path(__file__).with_name("RESULTS-train.md")
    out.write_text(f"# Training throughput\n\n{header}.\n\nCommand: `python bench/train_throughput.py --steps {args.steps} --rounds {args.rounds} --batch-size {args.batch_size}`\n\n{table}\n")

if __name__ == "__main__":
    main()
