#!/usr/bin/env python3
"""Chapter 13's comparison: masked diffusion against an autoregressive model of the same size on the same text.

The shipped `text-masked` and `text-ar` (chapter 13's `text_trainer`: the same transformer, data, steps, batch and
optimizer; their training time from the manifest) are evaluated side by side, and a third model is trained here with
the same recipe: the masked model with a time input (`time_input=True`), the check that the denoiser does not need
one. Measured for each: parameters, training minutes, held-out bits per character (the masked models' bound, with
its standard error, the autoregressive model's exact likelihood), the same on as many windows of the training text (how much it overfits), the share of real words in 64 samples of 64
characters (64 unmasking steps, random and confidence order; 64 calls autoregressively) and its sampling time, and
infilling: 16 masked characters in the middle of held-out windows, the share filled right. Writes
bench/results/text_diffusion.json (which chapter 13 reads) and a section of bench/RESULTS.md.

    .venv/bin/python bench/text_diffusion.py [--steps 1500] [--skip-train]
"""
import argparse, json, time
from pathlib import Path

import torch

from diffnotes.checkpoint import pretrained_manifest
from diffnotes.discrete import (TEXT_LENGTH, TEXT_STEPS, ar_sample, fill_gaps, held_out_bits, load_text_model, masked_start, real_word_share,
                                text_tokenizer, text_trainer, text_windows, training_words, unmask_sample)
from diffnotes.hardware import machine_name
from diffnotes.unet import count_parameters
from _results import write_section

OUT = Path(__file__).with_name("results") / "text_diffusion.json"

def samples(model, kind: str, tok, order: str = "random", n: int = 64) -> tuple[list[str], float]:
    "64 samples of a window and the seconds they took (one batch)."
    start, g = time.time(), torch.Generator().manual_seed(0)
    ids = unmask_sample(model, masked_start(n, TEXT_LENGTH, tok.mask_id), TEXT_LENGTH, tok.mask_id, order, generator=g) if kind == "masked" else ar_sample(model, n, TEXT_LENGTH, tok.mask_id, generator=g)
    return [tok.decode(r) for r in ids], time.time() - start

def infill_accuracy(model, kind: str, tok, x_held: torch.Tensor, n: int = 160) -> float:
    "The share of 16 masked characters (24..39) of `n` held-out windows filled with the original character."
    windows = x_held[torch.randperm(len(x_held), generator=torch.Generator().manual_seed(0))[:n]]
    filled = fill_gaps(model, kind, windows, 24, 40, tok.mask_id)
    return (filled[:, 24:40] == windows[:, 24:40]).float().mean().item()

def evaluate(name: str, model, kind: str, minutes: float, tok, x_held, vocab) -> dict:
    bits, se = held_out_bits(model, kind, x_held, tok.mask_id, draws=16)
    train_bits, _ = held_out_bits(model, kind, text_windows("train")[:len(x_held)], tok.mask_id, draws=16)    # as many training windows: how much it overfits
    row = {"parameters": count_parameters(model), "train_minutes": minutes, "held_out_bits": bits, "held_out_bits_se": se, "train_bits": train_bits, "kind": kind}
    for order in (("random", "confidence") if kind == "masked" else ("left to right",)):
        texts, seconds = samples(model, kind, tok, order if kind == "masked" else "random")
        row[f"word_share ({order})"], row[f"sample_seconds ({order})"], row[f"samples ({order})"] = real_word_share(texts, vocab), seconds, texts[:4]
    row["infill_accuracy"] = infill_accuracy(model, kind, tok, x_held)
    print(f"{name}: {bits:.3f} bits/char, infill {row['infill_accuracy']:.1%}", flush=True)
    return row

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=TEXT_STEPS, help=f"steps of the model trained here (default {TEXT_STEPS}, the shipped models')")
    ap.add_argument("--skip-train", action="store_true", help="evaluate the shipped models only (keeps an earlier run's time-input row)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    tok, x_held, vocab, manifest = text_tokenizer(), text_windows("held_out"), training_words(), pretrained_manifest()
    old = json.loads(OUT.read_text()) if OUT.exists() else {}
    rows = {}
    for name in ("text-masked", "text-ar"):
        model, _, kind = load_text_model(name, device="cpu")
        rows[name] = evaluate(name, model, kind, manifest[name]["train_seconds"] / 60, tok, x_held, vocab)
    if args.skip_train and "masked, time input" in old.get("models", {}): rows["masked, time input"] = old["models"]["masked, time input"]
    elif not args.skip_train:
        run = text_trainer("masked", steps=args.steps, time_input=True, device="cpu").fit()
        rows["masked, time input"] = evaluate("masked, time input", run.average.eval(), "masked", run.seconds / 60, tok, x_held, vocab)
        rows["masked, time input"]["steps"] = args.steps
    result = {"machine": machine_name("cpu"), "threads": torch.get_num_threads(), "torch": torch.__version__, "steps": manifest["text-masked"]["steps"],
              "window": TEXT_LENGTH, "held_out_windows": len(x_held), "models": rows}
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    lines = [f"## Masked diffusion against autoregression on text (chapter 13)\n", f"`bench/text_diffusion.py` on {result['machine']}, {result['threads']} threads, torch {result['torch']}: "
             f"{result['steps']} steps of 64 windows of {TEXT_LENGTH} characters each; held-out: {len(x_held)} windows of whole held-out documents.\n",
             "| model | parameters | training (min) | held-out bits/char | training text bits/char | real words, random order | real words, confidence | infill right | 64 samples (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, r in rows.items():
        first = "word_share (random)" if r["kind"] == "masked" else "word_share (left to right)"
        lines.append(f"| {n} | {r['parameters']:,} | {r['train_minutes']:.1f} | {r['held_out_bits']:.3f}" + (f" ± {r['held_out_bits_se']:.3f} (bound)" if r["kind"] == "masked" else " (exact)") +
                     f" | {r['train_bits']:.3f} | {r[first]:.1%} | " + (("no words" if r['word_share (confidence)'] != r['word_share (confidence)'] else f"{r['word_share (confidence)']:.1%}") if r["kind"] == "masked" else "-") + f" | {r['infill_accuracy']:.1%} | "
                     f"{r['sample_seconds (random)' if r['kind'] == 'masked' else 'sample_seconds (left to right)']:.1f} |")
    write_section("text_diffusion", "\n".join(lines))
    print("\n".join(lines))

if __name__ == "__main__":
    main()
