"""Real torch exports of the models a review found refused, and torch's own MAC count.

Exports torchvision's ShuffleNetV2 x1.0, ConvNeXt-T, LR-ASPP and DeepLabV3 (both on
MobileNetV3-Large), SSDlite320 (MobileNetV3-Large), SSD300 (VGG16), RetinaNet and FCOS
(both ResNet-50 FPN), and ultralytics' YOLOv5n and
YOLOv8n (built from their yaml, no download; the Detect head in export mode, as
`yolo export format=onnx` sets it) at 224×224 (640×640 for YOLO; each detector at the
size its transform resizes to, one [3, H, W] picture) with both exporters:
the classic one (`dynamo=False`, opset 17) and the dynamo one (`dynamo=True`, opset 18
as it writes it; for the YOLOs also with `opset_version=17`, which converts the file
down but keeps opset 18's `Split(num_outputs)`; the detectors with the classic one only).
Faster R-CNN is exported too, with no count: the importer refuses it (its test). Weights are removed (every float tensor of more than 64 values keeps
its dims but no data: the importer reads dims only), which takes each file from
5–100 MB to a few hundred KB. Files go to real/<model>.<exporter>.onnx.

REAL.tsv gets, per file, 2 × torch's multiply-accumulates of every Conv2d and Linear
(forward hooks on the module: output elements × input channels per group × kernel
area; Linear: output elements × in_features) — the count the importer must match.

Run (torch is large; the CPU-only wheel is not offered by the registry):
    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch torchvision onnx onnxscript ultralytics
    /tmp/torchvenv/bin/python tests/onnx/make_real.py
(made with torch 2.15.0, torchvision 0.29.2, ultralytics 8.4.190, onnx 1.23.2,
onnxscript 0.7.2.)
"""

import os
import sys
import tempfile

import onnx
import torch
import torchvision

from strip import strip

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "real")


def macs(model, x):
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, torch.nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups
            total[0] += out.numel() * k
        elif isinstance(m, torch.nn.Linear):
            total[0] += out.numel() * m.in_features

    hooks = [m.register_forward_hook(hook) for m in model.modules()
             if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return total[0]


def yolo(name):
    from ultralytics import YOLO
    m = YOLO(f"{name}.yaml").model.eval()
    head = m.model[-1]
    head.export = True
    head.format = "onnx"
    return m


def segmentation(name):
    """A torchvision segmentation model, no download (`weights_backbone=None`)."""
    return getattr(torchvision.models.segmentation, name)(weights=None, weights_backbone=None)


# Models that take a list of [3, H, W] pictures rather than a batch.
PICTURES = {"ssdlite320_mobilenet_v3_large", "ssd300_vgg16", "retinanet_resnet50_fpn",
            "fcos_resnet50_fpn"}


REFUSED = ["fasterrcnn_mobilenet_v3_large_320_fpn"]


def detection(name):
    """A torchvision detector, no download. It takes a list of [3, H, W] pictures and
    resizes each to its own size (320, 300, or 800 for RetinaNet and FCOS, the sizes
    exported here, so the resize is the identity)."""
    return getattr(torchvision.models.detection, name)(weights=None, weights_backbone=None)


def export(name, model, x, dynamo, opset=None):
    model.eval()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.onnx")
        if dynamo and opset:
            torch.onnx.export(model, (x,), path, dynamo=True, opset_version=opset)
        elif dynamo:
            torch.onnx.export(model, (x,), path, dynamo=True)
        else:
            torch.onnx.export(model, (x,), path, opset_version=17, dynamo=False,
                              input_names=["images"], output_names=["output"])
        m = onnx.load(path)
    m = strip(m)
    kind = ("dynamo" if dynamo else "classic") + (str(opset) if dynamo and opset else "")
    out = os.path.join(OUT, f"{name}.{kind}.onnx")
    onnx.save(m, out)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    models = {
        "shufflenet_v2_x1_0": (lambda: torchvision.models.shufflenet_v2_x1_0(), 224),
        "convnext_tiny": (lambda: torchvision.models.convnext_tiny(), 224),
        "yolov5n": (lambda: yolo("yolov5n"), 640),
        "yolov8n": (lambda: yolo("yolov8n"), 640),
        # Segmentation: bilinear Resize (align_corners=False) back to the input size.
        "lraspp_mobilenet_v3_large": (lambda: segmentation("lraspp_mobilenet_v3_large"), 224),
        "deeplabv3_mobilenet_v3_large": (lambda: segmentation("deeplabv3_mobilenet_v3_large"), 224),
        # Single-stage detectors: the transform before the backbone, score thresholds,
        # top-k and NMS after the heads (the classic exporter only: torch.export stops
        # at their data-dependent selection, GuardOnDataDependentSymNode).
        "ssdlite320_mobilenet_v3_large": (lambda: detection("ssdlite320_mobilenet_v3_large"), 320),
        "ssd300_vgg16": (lambda: detection("ssd300_vgg16"), 300),
        "retinanet_resnet50_fpn": (lambda: detection("retinanet_resnet50_fpn"), 800),
        "fcos_resnet50_fpn": (lambda: detection("fcos_resnet50_fpn"), 800),
    }
    only = sys.argv[1:]
    tsv = os.path.join(HERE, "REAL.tsv")
    rows = {}
    if only and os.path.exists(tsv):
        with open(tsv) as f:
            rows = dict(line.rstrip("\n").split("\t") for line in list(f)[1:])
    for name, (make, size) in models.items():
        if only and name not in only:
            continue
        model = make().eval()
        x = torch.zeros(1, 3, size, size)
        pictures = name in PICTURES
        if pictures:
            x = [x[0]]
        count = 2 * macs(model, x)
        # The YOLOs also through the dynamo exporter asked for opset 17: it converts
        # down but keeps opset 18's Split(num_outputs), the slip a review saw.
        variants = [(False, None)] if pictures else \
            [(False, None), (True, None)] + ([(True, 17)] if "yolo" in name else [])
        for dynamo, opset in variants:
            path = export(name, model, x, dynamo, opset)
            rows[os.path.basename(path)] = count
            print(f"{path}: {os.path.getsize(path)} bytes, 2×MACs {count}", flush=True)
    with open(tsv, "w") as f:
        f.write("file\ttorch_2x_macs\n")
        for file, count in rows.items():
            f.write(f"{file}\t{count}\n")
    # A two-stage detector, which the importer refuses (its RoiAlign computes on the
    # feature maps at the proposals the first stage decoded): kept to test the message.
    for name in REFUSED:
        if only and name not in only:
            continue
        model = detection(name).eval()
        path = export(name, model, [torch.zeros(3, 320, 320)], False)
        print(f"{path}: {os.path.getsize(path)} bytes (refused)", flush=True)


if __name__ == "__main__":
    main()
