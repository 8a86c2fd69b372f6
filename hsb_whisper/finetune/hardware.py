"""What this computer offers for training: its fastest torch device, the GPU's memory, the CPU
cores, the RAM, and whether the CPU computes bf16 natively.

Facts only: which device and precision a stage trains with is decided in
:mod:`hsb_whisper.finetune.setup`, how long it would take in :mod:`hsb_whisper.finetune.estimate`.
"""

from __future__ import annotations

import dataclasses
import os
import platform

from hsb_whisper.parallel import available_cores

GB = 1024**3
# CPU instructions that compute bf16 natively; without them bf16 autocast is slower than fp32.
BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


@dataclasses.dataclass(frozen=True)
class Hardware:
    """What this computer offers for training."""

    device: str  # the fastest torch device here: "cuda", "mps" or "cpu" (training uses CUDA only)
    name: str  # the GPU's name, else the CPU's
    gpu_memory_gb: float | None  # the NVIDIA GPU's memory; None without one
    cpu_cores: int  # the cores this process may use
    ram_gb: float | None  # None where it cannot be read
    cpu_bf16: bool = False  # the CPU computes bf16 natively (see cpu_has_fast_bf16)

    def describe(self) -> str:
        ram = f", {self.ram_gb:.0f} GB RAM" if self.ram_gb is not None else ""
        if self.device == "cuda":
            return f"GPU {self.name} ({self.gpu_memory_gb:.0f} GB), {self.cpu_cores} CPU cores{ram}"
        gpu = ", an Apple GPU (not used for training)" if self.device == "mps" else ", no GPU"
        bf16 = ", bf16 instructions" if self.cpu_bf16 else ""
        return f"CPU {self.name}, {self.cpu_cores} cores{bf16}{ram}{gpu}"


def hardware() -> Hardware:
    """This computer's GPU (if torch is installed and sees one), CPU cores and memory."""
    cores = available_cores()
    ram = _ram_gb()
    bf16 = cpu_has_fast_bf16()
    try:
        import torch
    except ImportError:  # a transcription-only install: no GPU can be used for training
        return Hardware("cpu", _cpu_name(), None, cores, ram, bf16)
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        return Hardware("cuda", props.name, props.total_memory / GB, cores, ram, bf16)
    mps = getattr(torch.backends, "mps", None)
    device = "mps" if mps is not None and mps.is_available() else "cpu"
    return Hardware(device, _cpu_name(), None, cores, ram, bf16)


def cpu_has_fast_bf16() -> bool:
    """Whether this CPU has bf16 instructions (AVX512-BF16 or AMX-BF16: recent Intel Xeons,
    AMD Zen 4 and later, laptops included), where training in bf16 autocast is faster than
    fp32. Elsewhere (older x86, ARM) PyTorch emulates bf16, which is slower than fp32."""
    return bool(_cpu_flags() & set(BF16_CPU_FLAGS))


def _cpu_flags() -> set[str]:
    """The CPU's instruction-set flags as PyTorch reports them (any OS), else /proc/cpuinfo's."""
    try:
        import torch

        # no public API tells bf16 support: torch.backends.cpu.get_cpu_capability() says only
        # "AVX512", which CPUs without bf16 instructions report too
        capabilities = torch._C._cpu._get_cpu_capability()
        return {name for name, value in capabilities.items() if value is True}
    except (ImportError, AttributeError, RuntimeError):
        pass
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:  # Linux
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:  # Linux
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _ram_gb() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GB
    except (AttributeError, ValueError, OSError):  # not POSIX, or not told
        return None
