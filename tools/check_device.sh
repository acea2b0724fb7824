#!/usr/bin/env bash
# The device check, as one script for a machine with a GPU (or Apple's MPS): bash tools/check_device.sh
#
# 1. the test-mode times of chapters 04, 05, 09 and 10 on that device (chapter 05 also asserts that
#    samples of one seed agree with the CPU's within DEVICE_RTOL);
# 2. the command line on the device and on the CPU from the same seed: sample, generate and edit, and the
#    relative difference of their outputs (edit's as its 8-bit picture) (chapter 05a's relative_error; the bound is DEVICE_RTOL, chapter 93);
# 3. what `diffnotes reproduce digits` says there (expected: close (other hardware)).
# On a machine with only a CPU it says so and exits 2: there is nothing to compare (CHECK_DEVICE=cpu: a dry run, the CPU against itself).
set -uo pipefail
cd "$(dirname "$0")/.."
python3 course.py setup >/dev/null || { echo "set-up failed"; exit 1; }
PY=.venv/bin/python; DN=.venv/bin/diffnotes
dev=$($PY -c '
import sys
from diffnotes.hardware import resolve_device
try: print(resolve_device(sys.argv[1], "CHECK_DEVICE"))
except ValueError as e: sys.exit(f"check_device: {e}")' "${CHECK_DEVICE:-auto}") || exit 2
if [ "$dev" = cpu ] && [ "${CHECK_DEVICE:-auto}" != cpu ]; then
  echo "check_device: this machine has only a CPU; run it where there is a GPU (CHECK_DEVICE=cpu runs it here, the CPU against itself, as a dry run)"; exit 2
fi
echo "device: $dev, $($PY -c "from diffnotes.hardware import machine_name; print(machine_name('$dev'))")"
failed=0

echo "== 1. chapters in test mode on $dev"
python3 course.py test 04_training 05_sampling 09_text_to_image 10_editing || failed=1

echo "== 2. the command line on $dev against the CPU"
out=$(mktemp -d)
$PY -c "from diffnotes.data import captioned_sprites, to_pil; to_pil(captioned_sprites(1, seed=3)[0][0], nrow=1, padding=0).save('$out/in.png')"
for d in cpu "$dev"; do
  SECONDS=0
  $DN sample --ckpt digits --n 256 --seed 0 --precision fp32 --device "$d" --out "$out/s-$d.png" --npy "$out/s-$d.npy" --quiet || failed=1
  $DN generate "a big red circle on the left" "a small green triangle at the top" --n 8 --device "$d" --out "$out/g-$d.png" --npy "$out/g-$d.npy" --quiet || failed=1
  $DN edit --image "$out/in.png" --prompt "a blue circle" --device "$d" --out "$out/e-$d.png" --quiet || failed=1
  echo "$d: sample, generate and edit in ${SECONDS} s (each command loads its models)"
done
$PY - "$out" "$dev" <<'EOF' || failed=1
import sys, numpy as np, torch
from PIL import Image
from diffnotes.hardware import DEVICE_RTOL
from diffnotes.sampling import relative_error
out, dev = sys.argv[1:]
worst = 0.0
for name in ("s", "g", "e"):
    read = (lambda d: np.load(f"{out}/{name}-{d}.npy")) if name != "e" else (lambda d: np.asarray(Image.open(f"{out}/e-{d}.png"), dtype=np.float32) / 127.5 - 1)   # edit writes a picture
    try: a, b = (torch.from_numpy(read(d)) for d in (dev, "cpu"))
    except OSError as e: print(f"{name}: missing output ({e})"); worst = float("inf"); continue
    r = relative_error(a, b); worst = max(worst, r)
    print(f"{ {'s': 'sample digits', 'g': 'generate', 'e': 'edit'}[name]:14s} {dev} against cpu: relative difference {r:.1e}")
print(f"largest {worst:.1e}; bound DEVICE_RTOL = {DEVICE_RTOL:g}: {'within' if worst <= DEVICE_RTOL else 'OUTSIDE'}")
sys.exit(0 if worst <= DEVICE_RTOL else 1)
EOF

echo "== 3. reproduce digits on $dev"
$DN reproduce digits --device "$dev" || failed=1          # exit status 1 only for `different`

[ "$failed" -eq 0 ] && echo "check_device: passed" || echo "check_device: FAILED"
exit "$failed"
