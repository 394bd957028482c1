# Models exported by torch.onnx.export (opset 17) with ONNX test data holding torch's own outputs,
# for compare.slow.test.ts: python3 torch_models.py OUT_DIR [mlp] [cnn] [mix]
import os
import sys

import torch
from onnx import numpy_helper
from torch import nn

torch.manual_seed(0)


class Mix(nn.Module):
    """Embedding, LayerNormalization, GELU (Erf), a dynamic view (Shape/Gather/Concat/Reshape), Softmax, ArgMax."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 6)
        self.ln = nn.LayerNorm(6)
        self.lin = nn.Linear(12, 3)

    def forward(self, ids, x):
        h = nn.functional.gelu(self.ln(self.emb(ids) + x))
        z = self.lin(h.reshape(h.shape[0], -1))
        return torch.softmax(z, -1), torch.sigmoid(torch.tanh(z)), z.argmax(-1)


def models():
    yield 'mlp', nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4), nn.LogSoftmax(-1)), {'x': torch.randn(5, 8)}, ['y']
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 5))
    yield 'cnn', cnn, {'x': torch.randn(2, 1, 8, 8)}, ['y']
    yield 'mix', Mix(), {'ids': torch.randint(0, 10, (4, 2)), 'x': torch.randn(4, 2, 6)}, ['p', 's', 'k']


def main(out, wanted):
    for name, model, inputs, outputs in models():
        if wanted and name not in wanted:
            continue
        model.eval()
        path = os.path.join(out, name)
        data = os.path.join(path, 'test_data_set_0')
        os.makedirs(data, exist_ok=True)
        args = tuple(inputs.values())
        axes = {n: {0: 'batch'} for n in [*inputs, *outputs]}
        torch.onnx.export(model, args, os.path.join(path, 'model.onnx'), opset_version=17,
                          input_names=list(inputs), output_names=outputs, dynamic_axes=axes)
        with torch.no_grad():
            result = model(*args)
        result = result if isinstance(result, tuple) else (result,)
        for k, (n, t) in enumerate(inputs.items()):
            with open(os.path.join(data, f'input_{k}.pb'), 'wb') as f:
                f.write(numpy_helper.from_array(t.numpy(), n).SerializeToString())
        for k, (n, t) in enumerate(zip(outputs, result)):
            with open(os.path.join(data, f'output_{k}.pb'), 'wb') as f:
                f.write(numpy_helper.from_array(t.numpy(), n).SerializeToString())


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
