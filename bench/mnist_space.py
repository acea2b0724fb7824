#!/usr/bin/env python3
"""Real MNIST (mnist_5k, 32x32) in a fixed budget of CPU time: pixel space or latent space?

    .venv/bin/python bench/mnist_space.py [--minutes 15] [--vae-minutes 5] [--n 500]

Both candidates are class-conditional (one-hot labels, context dropout 0.1) and trained through
the command line in the same wall-time budget: `diffnotes train mnist-5k` (the U-Net on pixels)
for --minutes, against `diffnotes train mnist-vae` for --vae-minutes followed by
`diffnotes train mnist-latent` (the U-Net on its 8x8x4 latents) for the rest. Each then draws
--n samples (the same number of each digit) with DPM-Solver++(2M), 20 steps on logsnr, guidance 2,
judged by chapter 92's MNIST classifier against mnist_5k's test split: accuracy for the asked-for
digit, mean confidence, and the Fréchet distance with a bootstrap interval next to the floor.

Prints the table and writes it to bench/RESULTS.md (its `mnist-space` part).
"""
import argparse, subprocess, sys, tempfile, time
from pathlib import Path

import torch

from _results import write_section

def train(exe: Path, args: list[str]) -> float:
    start = time.time()
    subprocess.run([str(exe), "train", *args, "--quiet"], check=True)
    return time.time() - start

@torch.no_grad()
def judge(ckpt: Path, n: int) -> dict:
    from diffnotes.checkpoint import load_checkpoint
    from diffnotes.conditioning import DEFAULT_GUIDANCE, one_hot
    from diffnotes.metrics import digit_classifier, digit_fd_interval, mnist_fd_floor
    from diffnotes.sampling import sample_checkpoint
    loaded, clf = load_checkpoint(ckpt), digit_classifier("train", data="mnist_5k")
    labels = torch.arange(10).repeat_interleave(n // 10)
    noise = torch.randn(len(labels), *loaded.shape, generator=torch.Generator().manual_seed(0))
    start = time.time()
    x = torch.cat([sample_checkpoint(loaded, noise[i:i + 100], "dpmpp_2m", 20, spacing="logsnr", context=one_hot(labels[i:i + 100]),
                                     guidance=DEFAULT_GUIDANCE, progress=False).clamp(-1, 1) for i in range(0, len(labels), 100)])
    seconds = time.time() - start
    probs = clf(x).softmax(1)
    floor, ref = mnist_fd_floor(len(x))
    fd = digit_fd_interval(x, ref, clf)
    return {"accuracy": (probs.argmax(1) == labels).float().mean().item(), "confidence": probs.max(1).values.mean().item(),
            "fd": fd, "floor": floor, "sample_seconds": seconds, "steps": loaded.config["step"]}

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=15.0, help="the budget of each candidate, all its parts together")
    p.add_argument("--vae-minutes", type=float, default=5.0, help="the latent candidate's share for its VAE")
    p.add_argument("--n", type=int, default=500, help="samples judged per candidate (a multiple of 10)")
    args = p.parse_args()
    exe = Path(sys.executable).parent / "diffnotes"
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        w = Path(tmp)
        t_pixel = train(exe, ["mnist-5k", "--out", str(w / "pixel"), "--minutes", f"{args.minutes:g}"])
        rows["pixels: U-Net on 1x32x32"] = {**judge(w / "pixel", args.n), "train_seconds": t_pixel}
        t_vae = train(exe, ["mnist-vae", "--out", str(w / "vae"), "--minutes", f"{args.vae_minutes:g}"])
        t_lat = train(exe, ["mnist-latent", "--vae", str(w / "vae"), "--out", str(w / "latent"), "--minutes", f"{args.minutes - args.vae_minutes:g}"])
        rows["latents: VAE, then U-Net on 4x8x8"] = {**judge(w / "latent", args.n), "train_seconds": t_vae + t_lat}
    lines = ["| candidate | training wall time (s) | U-Net steps | asked-for digit read | mean confidence | FD [95% interval] | floor | sampling (s) |",
             "|---|---:|---:|---:|---:|---|---:|---:|"]
    for name, r in rows.items():
        fd, lo, hi = r["fd"]
        lines.append(f"| {name} | {r['train_seconds']:.0f} | {r['steps']} | {r['accuracy']:.1%} | {r['confidence']:.3f} | {fd:.1f} [{lo:.1f}, {hi:.1f}] | {r['floor']:.1f} | {r['sample_seconds']:.0f} |")
    text = (f"## MNIST in {args.minutes:g} minutes: pixels or latents\n\nCommand: `python bench/mnist_space.py --minutes {args.minutes:g} --vae-minutes {args.vae_minutes:g} --n {args.n}`; "
            f"torch {torch.__version__}, {torch.get_num_threads()} threads. Both class-conditional; {args.n} samples, DPM-Solver++(2M) 20 steps on logsnr, guidance 2; "
            f"judged by the MNIST classifier of chapter 92 against mnist_5k's test split.\n\n" + "\n".join(lines) + "\n")
    print(text)
    write_section("mnist-space", text)

if __name__ == "__main__":
    main()
