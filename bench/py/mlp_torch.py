# PyTorch side of `npm run bench -- mlp`: the same MLP train step, timed on request.
# Protocol on stdin/stdout, one line each: "run N" -> median-free total ms of N steps; "quit".
import json, sys, time
import torch

torch.set_num_threads(1)
torch.manual_seed(0)
cfg = json.loads(sys.argv[1])
sizes, batch = cfg["sizes"], cfg["batch"]
layers = []
for i in range(len(sizes) - 1):
    layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
    if i + 2 < len(sizes):
        layers.append(torch.nn.ReLU())
model = torch.nn.Sequential(*layers)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(batch, sizes[0])
y = torch.randint(0, sizes[-1], (batch,))


def step():
    opt.zero_grad(set_to_none=True)
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss


for _ in range(5):
    step()
print(json.dumps({"ready": True, "engine": f"pytorch {torch.__version__}", "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    cmd = line.split()
    if not cmd or cmd[0] == "quit":
        break
    n = int(cmd[1])
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    print(json.dumps({"ms": (time.perf_counter() - t0) * 1000 / n}), flush=True)
