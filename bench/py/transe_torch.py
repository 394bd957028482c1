# PyTorch side of `npm run bench -- kge-speed`: TransE (L1, margin 1, 1 uniform negative, unit-norm
# entities) on a synthetic graph, with sparse embeddings + SparseAdam or dense embeddings + Adam.
# Protocol on stdin/stdout, one JSON line each: "run MODE N" -> {"ms": per step}; "quit".
import json, sys, time
import torch

torch.set_num_threads(1)
cfg = json.loads(sys.argv[1])
E, R, d, B = cfg["entities"], cfg["relations"], cfg["dim"], cfg["batch"]
g = torch.Generator().manual_seed(0)
triples = torch.stack([torch.randint(0, E, (cfg["triples"],), generator=g), torch.randint(0, R, (cfg["triples"],), generator=g),
                       torch.randint(0, E, (cfg["triples"],), generator=g)], 1)


def make(sparse):
    ent = torch.nn.Embedding(E, d, sparse=sparse)
    rel = torch.nn.Embedding(R, d, sparse=sparse)
    with torch.no_grad():
        ent.weight.uniform_(-0.1, 0.1)
        rel.weight.uniform_(-0.1, 0.1)
        ent.weight.div_(ent.weight.norm(dim=1, keepdim=True))
    params = list(ent.parameters()) + list(rel.parameters())
    opt = torch.optim.SparseAdam(params, lr=1e-3) if sparse else torch.optim.Adam(params, lr=1e-3)
    return ent, rel, opt, sparse


def step(model):
    ent, rel, opt, sparse = model
    pos = triples[torch.randint(0, len(triples), (B,))]
    neg = pos.clone()
    half = B // 2
    u = torch.randint(0, E - 1, (B,))
    col_h = neg[:half, 0]; col_t = neg[half:, 2]
    neg[:half, 0] = u[:half] + (u[:half] >= col_h).long()
    neg[half:, 2] = u[half:] + (u[half:] >= col_t).long()
    d_pos = (ent(pos[:, 0]) + rel(pos[:, 1]) - ent(pos[:, 2])).abs().sum(-1)
    d_neg = (ent(neg[:, 0]) + rel(neg[:, 1]) - ent(neg[:, 2])).abs().sum(-1)
    loss = torch.relu(1.0 + d_pos - d_neg).mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    with torch.no_grad():
        if sparse:  # renormalise the touched entity rows
            idx = torch.cat([pos[:, 0], pos[:, 2], neg[:, 0], neg[:, 2]]).unique()
            w = ent.weight[idx]
            ent.weight[idx] = w / w.norm(dim=1, keepdim=True)
        else:  # PyKEEN's constrainer: every entity row
            ent.weight.div_(ent.weight.norm(dim=1, keepdim=True))


models = {"sparse": make(True), "dense": make(False)}
for m in models.values():
    for _ in range(3):
        step(m)
print(json.dumps({"ready": True, "engine": f"pytorch {torch.__version__}", "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    cmd = line.split()
    if not cmd or cmd[0] == "quit":
        break
    m, n = models[cmd[1]], int(cmd[2])
    t0 = time.perf_counter()
    for _ in range(n):
        step(m)
    print(json.dumps({"ms": (time.perf_counter() - t0) * 1000 / n}), flush=True)
