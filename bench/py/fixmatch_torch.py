# PyTorch side of `npm run bench -- semi`: one FixMatch train step (MLP, B labelled, μB weak + μB strong
# unlabelled rows, Adam with coupled weight decay), timed on request, in two forms: "concat" (one forward
# over all rows, as the reference code) and "split" (the weak rows forward under no_grad, as repkit does).
# Protocol on stdin/stdout, one line each: "run MODE N" -> mean ms of N steps; "quit".
import json, sys, time
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
cfg = json.loads(sys.argv[1])
sizes, B, mu, tau = cfg["sizes"], cfg["batch"], cfg["mu"], cfg["threshold"]
layers = []
for i in range(len(sizes) - 1):
    layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
    if i + 2 < len(sizes):
        layers.append(torch.nn.ReLU())
model = torch.nn.Sequential(*layers)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=5e-4)
xl = torch.rand(B, sizes[0])
uw = torch.rand(mu * B, sizes[0])
us = torch.rand(mu * B, sizes[0])
y = torch.randint(0, sizes[-1], (B,))


def step(mode):
    opt.zero_grad(set_to_none=True)
    if mode == "concat":
        logits = model(torch.cat([xl, uw, us]))
        ll, lw, ls = logits[:B], logits[B:B + mu * B], logits[B + mu * B:]
    else:
        with torch.no_grad():
            lw = model(uw)
        logits = model(torch.cat([xl, us]))
        ll, ls = logits[:B], logits[B:]
    q = F.softmax(lw.detach(), 1)
    conf, pl = q.max(1)
    mask = (conf >= tau).float()
    lu = (F.cross_entropy(ls, pl, reduction="none") * mask).mean()
    loss = F.cross_entropy(ll, y) + lu
    loss.backward()
    opt.step()
    return loss


for _ in range(5):
    step("concat")
    step("split")
print(json.dumps({"ready": True, "engine": f"pytorch {torch.__version__}", "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    cmd = line.split()
    if not cmd or cmd[0] == "quit":
        break
    mode, n = cmd[1], int(cmd[2])
    t0 = time.perf_counter()
    for _ in range(n):
        step(mode)
    print(json.dumps({"ms": (time.perf_counter() - t0) * 1000 / n}), flush=True)
